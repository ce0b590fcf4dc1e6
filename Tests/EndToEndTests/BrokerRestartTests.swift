import Foundation
import Kafka
import Logging
import Models
import TestSupport
import Testing

/// The broker dies while a service works through a backlog, and comes back. Tansu here keeps topics
/// in memory, so it comes back empty: the test recreates the topics and counts what the broker
/// itself lost (everything it held). What the service held is not lost: its outbox keeps every
/// result and event the broker had not acknowledged, and delivers each once the broker is back -
/// through a new producer, since the empty broker refuses the old producer's id and sequence for
/// good - and the service gets its partitions back by itself. The broker stays down until the send
/// in flight when it died has timed out, so that the outbox then holds exactly the results the
/// broker did not acknowledge, and the test requires each of them, by id.
///
/// Meeting a broker that came back without its topics, and then the topics recreated under new ids,
/// is hard on librdkafka (2.8.0; 2.14.2 too where tried; known issues, docs/reliability.md). Its consumer can
/// stay without partitions, or spin in its group join for good ("postponing join until up-to-date
/// metadata is available": 2 of 3 runs once the broker stayed down for 30 s): the service then
/// gives its consumer a fresh client, and must be ready again. Or it can crash (SIGSEGV in
/// `rd_kafka_metadata_update_op`; 1 of 6 runs, 3 of 5 when the service was paused while the topics
/// were recreated, so it is not): a service that crashed is started again, as its supervisor would,
/// and must reach the same outcome.
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
        var crashed = false
        defer { lifecycle.stop(signal: SIGKILL) }
        // The supervisor's part: a service that crashed (the known librdkafka issue above) is started
        // again, as `restart: unless-stopped` or a Kubernetes Deployment would; any other exit fails.
        func superviseLifecycle() throws {
            guard let ended = lifecycle.termination else { return }
            guard ended == .signalled(SIGSEGV) else {
                Issue.record("lifecycle \(ended): \(lifecycle.log.suffix(600))")
                throw TestSupportError("lifecycle exited")
            }
            crashed = true
            withKnownIssue("librdkafka crashes (SIGSEGV) after a broker came back without its topics", isIntermittent: true) {
                Issue.record("lifecycle crashed after the broker restart: \(lifecycle.log.suffix(600))")
            }
            lifecycle = try deployment.start("lifecycle", httpPort: started.port, opsPort: started.opsPort, environment: environment)
        }
        let connection = KafkaConnection(bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: Logger(label: "reliability"))
        defer { producer.close(timeout: .zero) }

        // A backlog the service is working through when the broker dies.
        let commands = (0..<2_000).map {
            CommandClient.record(
                CreateOrganization(name: "Org \($0)", ownerEmail: "o\($0)@acme.example"),
                topic: deployment.topics.lifecycleCommands,
                key: "org-\($0 % 13)",
                credential: deployment.operatorCredential,
                id: "broker-\($0)"
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
        // The service goes on with what it had already fetched, and the send in flight when the broker
        // died ends when its records time out: the rows the broker acknowledged are deleted, the rest
        // stay. Wait until both are done, so that the outbox holds exactly what the broker did not take.
        try await Wait.until("the relay has given up on the records in flight", timeout: .seconds(90), every: .seconds(1)) {
            lifecycle.log.contains("outbox records not delivered")
        }
        var applied = -1
        var held: Set<String> = []
        try await Wait.until("the service has applied what it had fetched", timeout: .seconds(60), every: .seconds(2)) {
            let now = try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM organization", deployment)
            let holding = Set(
                try await EffectCheck.values(
                    "lifecycle",
                    "SELECT json_extract(CAST(value AS TEXT), '$.command_id') FROM outbox WHERE topic = '\(deployment.topics.commandResults)'",
                    deployment
                )
            )
            defer { (applied, held) = (now, holding) }
            return now == applied && holding == held
        }
        #expect(!held.isEmpty, "the broker died before every result was published")

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
        do {
            try await Wait.until("every held result has arrived", timeout: .seconds(60), every: .milliseconds(100)) {
                Set(after.arrivals.keys).isSuperset(of: held)
            }
        } catch {
            let missing = held.subtracting(after.arrivals.keys)
            Issue.record("\(missing.count) of \(held.count) held results missing, such as \(missing.sorted().prefix(5)); service crashed: \(crashed)")
            throw error
        }
        try await Task.sleep(for: .seconds(1))
        let delivered = after.arrivals
        // Only what the outbox held comes: nothing the broker acknowledged is sent twice. (A result the old
        // broker stored without acknowledging it, its answer lost as it died, is held and comes again.)
        #expect(
            Set(delivered.keys).isSubset(of: held),
            "\(Set(delivered.keys).subtracting(held).count) results sent again after the broker acknowledged them"
        )
        // A crash between a row's delivery and its deletion sends it again after the restart: an identical copy.
        #expect(delivered.values.allSatisfy { (crashed ? $0.copiesIdentical : $0.copies == 1) && $0.accepted })
        var readiness = ""
        do {
            try await Wait.until("lifecycle is ready again", timeout: .seconds(90), every: .milliseconds(200)) {
                try superviseLifecycle()
                let answer = await httpGet(port: started.opsPort, path: "/health/ready")
                readiness = answer?.body ?? "no answer"
                return answer?.status == 200
            }
        } catch {
            let groupHistory = lifecycle.log.split(separator: "\n").filter { line in
                ["partitions", "rejoin", "rebalance", "consuming", "started"].contains { line.contains($0) }
            }
            Issue.record(
                "last readiness answer: \(readiness); service crashed: \(crashed); its group history:\n\(groupHistory.suffix(30).joined(separator: "\n"))"
            )
            throw error
        }
        print(
            """
            broker restart: \(commands.count) commands sent, \(applied) applied (with those it had fetched before the broker died), \(answeredBefore.count) answered before; \
            \(held.count) results (and their events) held in the outbox while it was down and \(delivered.count) delivered once after it came back \
            (\(delivered.keys.filter(answeredBefore.contains).count) of them stored by the broker before, unacknowledged); \
            lost by the broker itself: \(commands.count - applied) unread commands and the \(answeredBefore.count) results it had stored
            """
        )
        after.stop()
        await watchingAfter.value
    }
}
