import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Exporting spans over OTLP/HTTP (swift-otel) for the services and the CLI, when an endpoint is
/// configured: Tenancy's own setting (`--otlp-endpoint` / `TENANCY_OTLP_ENDPOINT`, a base URL that
/// spans go to under `/v1/traces`) or the standard `OTEL_EXPORTER_OTLP_ENDPOINT` and
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (and the other `OTEL_*` settings swift-otel reads). Without
/// one there is no exporter and no tracer.
public enum OTLPTracing {
    static let endpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]

    /// A tracer exporting as `service` (its `service.name`) and the service that sends its spans
    /// (to run while spans are made, stopped last so that it flushes them); nil when no endpoint is
    /// configured.
    public static func backend(
        service: String,
        instance: String? = nil,
        endpoint: String?,
        logger: Logger
    ) throws -> (tracer: any Tracer, exporter: any Service)? {
        let environment = ProcessInfo.processInfo.environment
        // An empty setting is no setting, as everywhere else.
        let endpoint = endpoint.flatMap { $0.isEmpty ? nil : $0 }
        guard endpoint != nil || endpointVariables.contains(where: { environment[$0]?.isEmpty == false }) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = service
        configuration.resourceAttributes = ["service.namespace": "tenancy"].merging(instance.map { ["service.instance.id": $0] } ?? [:]) { $1 }
        configuration.diagnosticLogger = .custom(logger)
        // Above info: its info lines repeat the OTEL_* variables, and OTEL_EXPORTER_OTLP_HEADERS may hold a token.
        configuration.diagnosticLogLevel = .warning
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        if let endpoint {
            configuration.traces.otlpExporter.endpoint = (endpoint.hasSuffix("/") ? endpoint : endpoint + "/") + "v1/traces"
        }
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        return (backend.factory, backend.service)
    }
}
