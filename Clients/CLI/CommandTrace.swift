import Foundation
import Logging
import Models
import ServiceLifecycle
import Telemetry
import Tracing

/// The trace every command starts: its context goes on the command (`ce_traceparent`), and the CLI's
/// own span ("send <type>", from sending to the result) is exported over OTLP/HTTP when an endpoint
/// is configured (`--otlp-endpoint`, or the standard `OTEL_EXPORTER_OTLP_*` variables). The span
/// names the command's type and id, never its content or credential.
enum CommandTrace {
    /// Runs `send` with the context of a new trace; exports its span, and waits until it is sent,
    /// when there is somewhere to send it.
    static func run<T: Sendable>(
        _ type: MessageType,
        commandID: String,
        endpoint: String?,
        logger: Logger,
        _ send: (TraceContext) async throws -> T
    ) async throws -> T {
        guard let backend = try OTLPTracing.backend(service: "tenancy-cli", endpoint: endpoint, logger: logger) else {
            return try await send(TraceContext.start())
        }
        let exporter = ServiceGroup(services: [backend.exporter], logger: logger)
        let running = Task { try await exporter.run() }
        let span = backend.tracer.startSpan("send \(type.rawValue)", context: .topLevel, ofKind: .producer)
        span.attributes["tenancy.command.id"] = commandID
        span.attributes["tenancy.message.type"] = type.rawValue
        var carrier: [String: String] = [:]
        backend.tracer.inject(span.context, into: &carrier, using: TraceparentWriter())
        let context = carrier["traceparent"].flatMap { TraceContext(traceparent: $0, tracestate: carrier["tracestate"]) } ?? TraceContext.start()
        let answer: Result<T, any Error>
        do {
            answer = .success(try await send(context))
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            answer = .failure(error)
        }
        span.end()
        await exporter.triggerGracefulShutdown()
        try? await running.value
        return try answer.get()
    }
}

private struct TraceparentWriter: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}
