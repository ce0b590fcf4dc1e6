import Foundation
import Kafka
import Logging
import Models
import TestSupport
import Testing

@Suite("End to end: crash recovery", .serialized, .timeLimit(.minutes(10)))
struct CrashRecoveryTests {
    /// SIGKILL in the middle of a stream of 1,000 commands, twice: after restarts every command has
    /// exactly one effect and its result, and every copy of a result or event is identical.
    @Test func sigkillMidStreamLosesNothingAndDuplicatesNothing() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let started = try await deployment.startReady("lifecycle")
        var lifecycle = started.process
        defer { lifecycle.stop(signal: SIGKILL) }

        let count = 1_000
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "e2e")
        )
        defer { producer.close() }
        let commands = (0..<count).map { index in
            CommandFactory.record(
                CreateOrganization(name: "Org \(index)", ownerEmail: "owner\(index)@example.com"),
                topic: deployment.topics.lifecycleCommands,
                id: "cmd-\(index)",
                key: "org-\(index % 17)",
                credential: deployment.operatorCredential
            )
        }
        let sent = await producer.send(commands)
        #expect(sent.allSatisfy { (try? $0.get()) != nil })

        let results = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        var read: [KafkaConsumedMessage] = []
        func answered() -> Int { Set(read.compactMap { $0.header("ce_subject") }).count }
        for killAt in [150, 600] {
            // Generous: each organization issues a key, whose signing keys Lifecycle seals for every
            // service (HPKE), slow in a debug build on a machine busy with the other suites.
            read += try await results.read(timeout: .seconds(300)) { batch in
                Set((read + batch).compactMap { $0.header("ce_subject") }).count >= killAt
            }
            await lifecycle.stopped(by: SIGKILL)
            lifecycle = try deployment.start("lifecycle", httpPort: started.port, opsPort: started.opsPort)
        }
        read += try await results.read(timeout: .seconds(300)) { batch in Set((read + batch).compactMap { $0.header("ce_subject") }).count >= count }
        read += try await results.drain(for: .seconds(2))
        #expect(answered() == count)

        // Every copy of a result is the same record: same ce_id, same bytes.
        let byCommand = Dictionary(grouping: read) { $0.header("ce_subject")! }
        for (command, copies) in byCommand {
            #expect(Set(copies.map { $0.header("ce_id") }).count == 1, "\(command)")
            #expect(Set(copies.map(\.value)).count == 1, "\(command)")
            #expect(copies[0].commandResult?.status == .accepted, "\(command): \(String(describing: copies[0].commandResult?.error))")
        }
        let copiesRepublished = read.count - count

        // Exactly one effect each, in the service's own state.
        let organizations = try await countOrganizations(database: deployment.database("lifecycle"))
        #expect(organizations == count)

        // Every event published, each once as far as a consumer deduplicating by ce_id can tell.
        let events = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.lifecycleEvents)
        let allEvents = try await events.read(timeout: .seconds(60)) { Set($0.compactMap { $0.header("ce_id") }).count >= count * 4 }
        let byID = Dictionary(grouping: allEvents + (try await events.drain(for: .seconds(1)))) { $0.header("ce_id")! }
        #expect(byID.count == count * 4)
        #expect(byID.values.allSatisfy { Set($0.map(\.value)).count == 1 })
        let types = Dictionary(grouping: byID.values.map { $0[0].header("ce_type")! }) { $0 }.mapValues(\.count)
        #expect(
            types == [
                OrganizationCreated.messageType.rawValue: count, WorkspaceCreated.messageType.rawValue: count,
                MemberAdded.messageType.rawValue: count, APIKeyIssued.messageType.rawValue: count,
            ]
        )
        print(
            "crash recovery: \(count) commands, 2 SIGKILLs, \(copiesRepublished) result copies re-published, \(allEvents.count - count * 4) event copies re-published"
        )
        await results.close()
        await events.close()
    }

    private func countOrganizations(database: String) async throws -> Int {
        let output = try await runToCompletion("/usr/bin/sqlite3", [database, "SELECT COUNT(*) FROM organization"])
        return Int(output.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
