import Foundation
import GRDB
import Hummingbird
import Kafka
import Pipeline
import Prometheus

/// `/health/live`, `/health/ready` and `/metrics`, the same on every service.
///
/// Ready means: the database answers, the broker answers, the replicas (for a service that keeps
/// some) have caught up with their topics once since start, the consumer has partitions, the
/// outbox relay is not stuck (its passes have not kept failing for ``relayStallLimit`` while the
/// broker answers), and a service that checks credentials against a replica takes commands (it is
/// not further behind on Lifecycle's events than its limit; the answer gives the bound in seconds).
/// Parked records do not make a service unready - they are out of the send path, and alerted on
/// through `tenancy_outbox_parked_total` - but the answer counts them.
enum HealthRoutes {
    static let relayStallLimit = Duration.seconds(60)

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
        router.get("/health/live") { _, _ in
            "ok\n"
        }
        router.get("/health/ready") { _, _ -> Response in
            let database = (try? await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
            let broker = await reachable(producer)
            let assigned = consumer.assignment.count
            let failing = relay.failingFor.map { Int($0.inSeconds) } ?? 0
            let stalled = relay.failingFor.map { $0 >= relayStallLimit } ?? false
            let parked = (try? await store.reader.read { db in try Outbox.parkedCount(db: db) }) ?? -1
            let replica = freshness.map { gate in (gate, gate.behind(now: Date())) }
            let current = replica.map { gate, estimate in gate.isCurrent(estimate) } ?? true
            let caughtUp = replicas?.isCaughtUp ?? true
            let ready = database && broker && caughtUp && assigned > 0 && !stalled && current
            var body =
                #"{"ready":\#(ready),"database":\#(database),"broker":\#(broker),"replicas_caught_up":\#(caughtUp),"#
                + #""partitions_assigned":\#(assigned),"#
                + #""outbox_failing_seconds":\#(failing),"outbox_parked":\#(parked)"#
            if let replica {
                let (gate, estimate) = replica
                let seconds = (estimate.seconds * 10).rounded() / 10
                body +=
                    #","replica_current":\#(current),"replica_lag_seconds":\#(seconds),"replica_lag_bounded":\#(estimate.bounded),"#
                    + #""replica_max_lag_seconds":\#(gate.maxLagSeconds)"#
            }
            body += "}\n"
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body))
            )
        }
        router.get("/metrics") { _, _ -> Response in
            // The lag grows while nothing commits: brought up to date for each scrape.
            _ = freshness?.behind(now: Date())
            return Response(
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
