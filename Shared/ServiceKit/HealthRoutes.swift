import Foundation
import GRDB
import Hummingbird
import Kafka
import Pipeline
import Prometheus

/// `/health/live`, `/health/ready` and `/metrics`, the same on every service.
enum HealthRoutes {
    static func register(
        on router: Router<BasicRequestContext>,
        store: ServiceStore,
        producer: KafkaProducer,
        consumer: KafkaConsumer,
        registry: PrometheusCollectorRegistry
    ) {
        router.get("/health/live") { _, _ in
            "ok\n"
        }
        router.get("/health/ready") { _, _ -> Response in
            let database = (try? await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
            let broker = await reachable(producer)
            let assigned = consumer.assignment.count
            let ready = database && broker && assigned > 0
            let body = #"{"ready":\#(ready),"database":\#(database),"broker":\#(broker),"partitions_assigned":\#(assigned)}"# + "\n"
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body))
            )
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }

    /// The metadata request blocks, so it runs off the cooperative pool.
    private static func reachable(_ producer: KafkaProducer) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: producer.isClusterReachable(timeoutMilliseconds: 1_000))
            }
        }
    }
}
