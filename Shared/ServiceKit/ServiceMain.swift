import Logging
import Metrics
import Pipeline
import Prometheus

/// The `main` of every service executable: logging set up, the runtime built and run.
public enum ServiceMain {
    public static func run(_ definition: ServiceDefinition, options: ServiceOptions) async throws {
        let level = try options.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "tenancy.\(definition.name)")
        logger.logLevel = level
        let runtime = try await ServiceRuntime.build(definition, options: options, logger: logger, registry: registry)
        logger.info(
            "started",
            metadata: ["http.port": "\(runtime.httpPort)", "ops.port": "\(runtime.opsPort)", "kafka.topics": "\(runtime.topics.consumed)"]
        )
        try await runtime.run()
        logger.info("stopped")
    }
}
