import Foundation
import GRDB
import Hummingbird
import Kafka
import Pipeline
import Prometheus

/// `/health/live`, `/health/ready` and `/metrics`, the same on every service. What ready means is
/// ``Readiness``'s; each scrape reports it too (`tenancy_ready`), with what only a scrape brings up
/// to date: the replica's lag, the age of the oldest record in the outbox, the process's figures.
enum HealthRoutes {
    static func register(
        on router: Router<BasicRequestContext>,
        store: ServiceStore,
        producer: KafkaProducer,
        consumer: KafkaConsumer,
        relay: OutboxRelay,
        freshness: ReplicaFreshnessGate?,
        replicas: ReplicaProgress?,
        registry: PrometheusCollectorRegistry
    ) {
        let readiness: @Sendable () async -> Readiness = {
            await Readiness.check(store: store, producer: producer, consumer: consumer, relay: relay, freshness: freshness, replicas: replicas)
        }
        let ready = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "tenancy_ready",
                unitName: "",
                helpText: "1 when the instance is ready (/health/ready), else 0."
            )
        )
        let outboxAge = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "tenancy_outbox_oldest_age_seconds",
                unitName: "",
                helpText: "Age of the oldest record the outbox has not published yet; 0 when it is empty."
            )
        )
        let process = ProcessMetrics(registry: registry)

        router.get("/health/live") { _, _ in
            "ok\n"
        }
        router.get("/health/ready") { _, _ -> Response in
            let answer = await readiness()
            ready.set(to: answer.isReady ? 1 : 0)
            return Response(
                status: answer.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.json))
            )
        }
        router.get("/metrics") { _, _ -> Response in
            // The readiness (which brings the replica's lag up to date) and the outbox's age change
            // while nothing happens: both are measured for each scrape.
            ready.set(to: await readiness().isReady ? 1 : 0)
            let oldest = try? await store.reader.read { db in try Outbox.oldestQueuedAt(db: db) }
            outboxAge.set(to: oldest.flatMap { $0 }.map { max(0, Date().timeIntervalSince1970 - $0) } ?? 0)
            process.update()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }
}
