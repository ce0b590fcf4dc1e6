import Foundation
import Kafka
import Logging
import Models
import Testing
import TestSupport

/// The broker dies while a service works through a backlog, and comes back. Tansu here keeps topics
/// in memory, so it comes back empty: the test recreates the topics and counts what the broker
/// itself lost (everything it held). What the service held is not lost: its outbox keeps every
/// result and event the broker had not acknowledged, and delivers each once the broker is back -
/// through a new producer, since the empty broker refuses the old producer's id and sequence for
/// good - and the service gets its partitions back by itself, also when its consumer rejoined the
/// empty broker before the topics were recreated (it rejoins once the topics exist).
///
/// Known issue outside this code: librdkafka (2.8.0, and 2.14.2 too) can crash (SIGSEGV in
/// `rd_kafka_metadata_update_op`, a NULL topic name) when a broker answers a fetch for a topic it
/// does not know with a leader hint and a zero topic id, as the restarted Tansu does while the
/// topics are missing. The test then restarts the service as its supervisor would
/// (`restart: unless-stopped`, a Kubernetes Deployment) and requires the same outcome.
///
/// Not shown here: reading the recreated command topic. The service resumes at its stored offsets,
/// past the new topic's end; Apache Kafka answers that with OFFSET_OUT_OF_RANGE and the consumer
/// starts over at the earliest offset (duplicates are dropped by id), but Tansu neither reports
/// that error nor a true end offset (it gives the last batch's base offset + 1), so the condition
/// cannot be told apart there.
@Suite("Reliability: the broker restarted during load", .serialized, .timeLimit(.minutes(15)))
struct BrokerRestartTests {
    @Test func theOutboxDeliversEverythingOnceTheBrokerIsBack() async throws {
        var broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        // Small batches, so that the backlog takes many of them and the broker dies in the middle.
        let environment = ["TENANCY_MAX_BATCH": "100"]
        let started = try await deployment.startReady("lifecycle", environment: environment)
        var lifecycle = started.process
        let lifecyclePort = started.port
        var crashed = false
        defer { lifecycle.stop(signal: SIGKILL) }
        // The supervisor's part: a service that crashed (the known librdkafka issue above) is started again.
        func superviseLifecycle() throws {
            guard !lifecycle.isRunning else { return }
            crashed = true
            withKnownIssue("librdkafka crashes on Tansu's fetch answer for a topic it lost", isIntermittent: true) {
                Issue.record("lifecycle crashed after the broker restart: \(lifecycle.log.suffix(600))")
            }
            lifecycle = try deployment.start("lifecycle", httpPort: lifecyclePort, environment: environment)
        }
        let connection = KafkaConnection(bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: Logger(label: "reliability"))
        defer { producer.close(timeout: .zero) }

        // A backlog the service is working through when the broker dies.
        let commands = (0..<2_000).map {
            CommandClient.record(
                CreateOrganization(name: "Org \($0)", ownerEmail: "o\($0)@acme.example"), topic: deployment.topics.lifecycleCommands, key: "org-\($0 % 13)",
                credential: .operator(token: deployment.operatorToken), id: "broker-\($0)"
            )
        }
        let before = try ResultWatcher(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let watchingBefore = Task { await before.run() }
        for outcome in await producer.send(commands.map(\.record)) { _ = try outcome.get() }
        try await Wait.until("the service has answered some", timeout: .seconds(120), every: .milliseconds(20)) { before.arrivals.count >= 200 }
        broker.stop()
        before.stop()
        await watchingBefore.value
        let answeredBefore = Set(before.arrivals.keys)
        // The service goes on with what it had already fetched; wait until that is done.
        var applied = -1
        try await Wait.until("the service has applied what it had fetched", timeout: .seconds(60), every: .seconds(2)) {
            let now = try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM organization", deployment)
            defer { applied = now }
            return now == applied
        }
        let held = try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM outbox WHERE topic = '\(deployment.topics.commandResults)'", deployment)
        #expect(held > 0, "the broker died before every result was published")

        broker = try await TansuBroker.start(port: broker.port)
        let admin = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: Logger(label: "reliability"))
        defer { admin.close() }
        try admin.createTopicsIfMissing(deployment.topics.all.map { TopicSpecification(name: $0, partitions: 3) })
        let after = try ResultWatcher(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let watchingAfter = Task { await after.run() }

        try await Wait.until("the outbox is delivered", timeout: .seconds(180), every: .milliseconds(200)) {
            try superviseLifecycle()
            return try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM outbox", deployment) == 0
        }
        // Known issue, suspected to be Tansu's: restarted empty, it hands producer ids out from 1 again, so
        // the producer from before the restart (which went on sending, with id 1) and its replacement
        // (given id 1 anew) share an id; some records the replacement sent were acknowledged and then
        // never readable (2026-11-23: 6 of 11 local runs; 140 and 146 of 1,900 where counted; after the old
        // producer's "sequence desynchronization" in the logs read). Apache Kafka never hands an id out twice.
        var shortfallKnown = false
        do {
            try await Wait.until("the held results have arrived", timeout: .seconds(60), every: .milliseconds(100)) { after.arrivals.count >= held }
        } catch {
            let arrived = after.arrivals
            let summary = "\(arrived.count) of \(held) held results arrived (\(arrived.keys.filter(answeredBefore.contains).count) of them answered before the broker died); service crashed: \(crashed)"
            guard lifecycle.log.contains("sequence desynchronization") else {
                Issue.record("\(summary)")
                throw error
            }
            shortfallKnown = true
            withKnownIssue("Tansu reissues producer id 1 after a restart; a replacement producer's records can be acknowledged and lost", isIntermittent: true) {
                Issue.record("\(summary)")
            }
        }
        try await Task.sleep(for: .seconds(1))
        let delivered = after.arrivals
        #expect(shortfallKnown || delivered.count == held, "each held result delivered")
        // A crash between a row's delivery and its deletion sends it again after the restart: an identical copy.
        #expect(delivered.values.allSatisfy { (crashed ? $0.copiesIdentical : $0.copies == 1) && $0.accepted })
        #expect(Set(delivered.keys).isDisjoint(with: answeredBefore), "only what the broker had not acknowledged")
        try await Wait.until("lifecycle is ready again", timeout: .seconds(90), every: .milliseconds(200)) {
            try superviseLifecycle()
            return await httpGet(port: lifecyclePort, path: "/health/ready")?.status == 200
        }
        print("""
            broker restart: \(commands.count) commands sent, \(applied) applied (with those it had fetched before the broker died), \(answeredBefore.count) answered before; \
            \(held) results (and their events) held in the outbox while it was down, \(delivered.count) delivered once after it came back; \
            lost by the broker itself: \(commands.count - applied) unread commands and the \(answeredBefore.count) results it had stored
            """)
        after.stop()
        await watchingAfter.value
    }
}
