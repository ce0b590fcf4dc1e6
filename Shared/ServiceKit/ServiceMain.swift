import Foundation
import Logging
import Metrics
import Pipeline
import Prometheus
import Telemetry
import Tracing

/// The `main` of every service executable: logging and tracing set up, the runtime built and run.
public enum ServiceMain {
    public static func run(_ definition: ServiceDefinition, options: ServiceOptions) async throws {
        let level = try options.level
        let format = try options.format
        let instance = options.instanceID ?? ProcessInfo.processInfo.hostName
        // Every line written while a message is processed names its trace and the message.
        LoggingSystem.bootstrap(
            { label, provider in
                var handler: any LogHandler =
                    switch format {
                    case .text: StreamLogHandler.standardError(label: label, metadataProvider: provider)
                    case .json: JSONLogHandler(service: definition.name, instance: instance, metadataProvider: provider)
                    }
                handler.logLevel = level
                return handler
            },
            metadataProvider: MessageTracing.logMetadata
        )
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "tenancy.\(definition.name)")
        logger.logLevel = level
        // Spans are exported when an endpoint is configured; without one, no tracer is bootstrapped
        // and the trace context on messages is passed on as it came.
        let tracing = try OTLPTracing.backend(
            service: "tenancy-\(definition.name)",
            instance: instance,
            endpoint: options.otlpEndpoint,
            logger: logger
        )
        if let tracing {
            InstrumentationSystem.bootstrap(tracing.tracer)
            logger.info("exporting spans over OTLP/HTTP")
        }
        let runtime = try await ServiceRuntime.build(definition, options: options, logger: logger, registry: registry, tracing: tracing?.exporter)
        logger.info(
            "started",
            metadata: ["http.port": "\(runtime.httpPort)", "ops.port": "\(runtime.opsPort)", "kafka.topics": "\(runtime.topics.consumed)"]
        )
        try await runtime.run()
        logger.info("stopped")
    }
}
