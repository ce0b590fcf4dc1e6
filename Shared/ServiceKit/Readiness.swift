import Foundation
import GRDB
import Kafka
import Pipeline

/// Whether an instance can take its share of the work, and each reason it cannot: what
/// `/health/ready` answers and what `tenancy_ready` reports on every scrape.
///
/// Ready means: the database answers, the broker answers, the replicas (for a service that keeps
/// some) have caught up with their topics once since start, the consumer has partitions, the
/// outbox relay is not stuck (its passes have not kept failing for ``relayStallLimit`` while the
/// broker answers), and a service that checks credentials against a replica takes commands (it is
/// not further behind on Lifecycle's events than its limit; the answer gives the bound in seconds).
/// Parked records do not make a service unready - they are out of the send path, and alerted on
/// through `tenancy_outbox_parked_total` - but the answer counts them.
struct Readiness: Sendable {
    static let relayStallLimit = Duration.seconds(60)

    var database: Bool
    var broker: Bool
    var replicasCaughtUp: Bool
    var partitionsAssigned: Int
    var outboxFailingSeconds: Int
    var outboxStalled: Bool
    var outboxParked: Int
    var replica: (gate: ReplicaFreshnessGate, estimate: ReplicaLag.Estimate)?

    var replicaCurrent: Bool { replica.map { $0.gate.isCurrent($0.estimate) } ?? true }

    var isReady: Bool {
        database && broker && replicasCaughtUp && partitionsAssigned > 0 && !outboxStalled && replicaCurrent
    }

    /// Asks every part now: the database and the broker (the broker's metadata within a second).
    static func check(
        store: ServiceStore,
        producer: KafkaProducer,
        consumer: KafkaConsumer,
        relay: OutboxRelay,
        freshness: ReplicaFreshnessGate?,
        replicas: ReplicaProgress?
    ) async -> Readiness {
        let failingFor = relay.failingFor
        return Readiness(
            database: (try? await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1,
            broker: await reachable(producer),
            replicasCaughtUp: replicas?.isCaughtUp ?? true,
            partitionsAssigned: consumer.assignment.count,
            outboxFailingSeconds: failingFor.map { Int($0.inSeconds) } ?? 0,
            outboxStalled: failingFor.map { $0 >= relayStallLimit } ?? false,
            outboxParked: (try? await store.reader.read { db in try Outbox.parkedCount(db: db) }) ?? -1,
            replica: freshness.map { gate in (gate, gate.behind(now: Date())) }
        )
    }

    /// The answer of `/health/ready`, one JSON object.
    var json: String {
        var body =
            #"{"ready":\#(isReady),"database":\#(database),"broker":\#(broker),"replicas_caught_up":\#(replicasCaughtUp),"#
            + #""partitions_assigned":\#(partitionsAssigned),"#
            + #""outbox_failing_seconds":\#(outboxFailingSeconds),"outbox_parked":\#(outboxParked)"#
        if let (gate, estimate) = replica {
            let seconds = (estimate.seconds * 10).rounded() / 10
            body +=
                #","replica_current":\#(replicaCurrent),"replica_lag_seconds":\#(seconds),"replica_lag_bounded":\#(estimate.bounded),"#
                + #""replica_max_lag_seconds":\#(gate.maxLagSeconds)"#
        }
        return body + "}\n"
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
