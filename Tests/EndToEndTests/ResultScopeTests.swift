import Foundation
import Hashing
import Kafka
import Logging
import Models
import TestSupport
import Testing

/// Nothing is retried for ever, and no answer is ambiguous: a poison command however large gets
/// its result and a bounded dead letter at once, and leaves nothing behind in the outbox; the same
/// command id sent to two services gets two results that name their service, and the CLI takes
/// only the one from the service it sent to.
@Suite("End to end: oversized poison and command-id scope", .serialized, .timeLimit(.minutes(5)))
struct ResultScopeTests {
    @Test func oversizedPoisonCommandsGetTheirResultAndABoundedDeadLetterAndTheOutboxDrains() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        // The services' own payload limit: 1 MiB.
        let (lifecycle, _, opsPort) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        var configuration = KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers))
        configuration.maxMessageBytes = 2_000_000
        let producer = try KafkaProducer(configuration: configuration, logger: Logger(label: "e2e"))
        defer { producer.close() }
        let results = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let deadLetters = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.deadLetter)

        // Under the limit but not JSON (malformed_payload), and over it (message_too_large).
        let poison = [(1_040_000, ErrorCode.malformedPayload), (1_200_000, .messageTooLarge)].map { size, code in
            var record = CommandFactory.record(
                CreateOrganization(name: "Poison", ownerEmail: "p@acme.example"),
                topic: deployment.topics.lifecycleCommands,
                id: "poison-\(size)-\(UUID().uuidString.prefix(8).lowercased())",
                key: "poison",
                credential: deployment.operatorCredential
            )
            record.value = Data((0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) })
            return (record: record, code: code)
        }
        let sent = ContinuousClock.now
        for outcome in await producer.send(poison.map(\.record)) { _ = try outcome.get() }
        let ids = poison.compactMap { $0.record.header(Envelope.Header.id) }

        let answered = try await results.read(timeout: .seconds(20)) { read in ids.allSatisfy { id in !read.results(for: id).isEmpty } }
        let entries = try await deadLetters.read(timeout: .seconds(20)) { read in
            ids.allSatisfy { id in read.contains { $0.header(Envelope.Header.id) == id } }
        }
        let took = ContinuousClock.now - sent
        for (record, code) in poison {
            let id = try #require(record.header(Envelope.Header.id))
            #expect(answered.results(for: id).map { $0.error?.code } == [code], "\(id)")
            #expect(answered.results(for: id).allSatisfy { $0.service == "lifecycle" })
            let entry = try #require(entries.first { $0.header(Envelope.Header.id) == id })
            let whole = try #require(record.value)
            #expect(entry.value == whole.prefix(65_536))
            #expect(entry.header(DeadLetterHeader.originalSize) == String(whole.count))
            #expect(entry.header(DeadLetterHeader.originalSHA256) == SHA256Digest.hex(of: whole))
            #expect(entry.header(DeadLetterHeader.errorCode) == code.rawValue)
        }
        try await Wait.until("lifecycle's outbox is empty", timeout: .seconds(20), every: .milliseconds(200)) {
            try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM outbox", deployment) == 0
        }
        #expect(try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM parked", deployment) == 0)
        let ready = await httpGet(port: opsPort, path: "/health/ready")
        #expect(ready?.status == 200 && ready?.body.contains(#""outbox_parked":0"#) == true, "\(String(describing: ready))")
        #expect(!lifecycle.log.contains("outbox records not delivered"))
        print("oversized poison: 2 results and 2 dead letters (64 KiB each) \(took) after sending; the outbox drained")
        await results.close()
        await deadLetters.close()
    }

    @Test func oneCommandIDSentToTwoServicesGetsTwoResultsToldApartAndTheCLIKeepsItsOwn() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, _, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        var (sharing, _, _) = try await deployment.startReady("sharing")
        defer { sharing.stop(signal: SIGKILL) }
        let id = "same-id-\(UUID().uuidString.prefix(8).lowercased())"
        let commands = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.sharingCommands)
        let results = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)

        // Sharing is down while the CLI waits for its answer, and Lifecycle answers the same id meanwhile.
        #expect(sharing.stop(signal: SIGTERM) == .exited(0))
        let waiting = Task {
            try await deployment.cli(["share", "accept", "shr_nothing", "--as-operator", "--command-id", id, "--timeout", "120", "--json"])
        }
        _ = try await commands.read(timeout: .seconds(30)) { $0.contains { $0.header(Envelope.Header.id) == id } }
        let other = try await deployment.cli([
            "org", "create", "--as-operator", "--name", "Same id \(id)", "--owner-email", "o@acme.example", "--command-id", id, "--json",
        ])
        let lifecycleResult = try JSONCoding.decode(CommandResult.self, from: Data(other.output.utf8))
        #expect(lifecycleResult.service == "lifecycle" && lifecycleResult.status == .accepted)

        sharing = try deployment.start("sharing", httpPort: try FreePort.next(), opsPort: try FreePort.next())
        let run = try await waiting.value
        let sharingResult = try JSONCoding.decode(CommandResult.self, from: Data(run.output.utf8))
        #expect(sharingResult.service == "sharing" && sharingResult.commandType == AcceptShareRequest.messageType.rawValue, "\(run.output)")

        // The results topic holds both, each naming its service (and its ce_source).
        let read = try await results.read(timeout: .seconds(30)) { $0.results(for: id).count >= 2 }
        let both = read.filter { $0.header(Envelope.Header.subject) == id }
        #expect(Set(both.compactMap { $0.commandResult?.service }) == ["lifecycle", "sharing"])
        #expect(both.allSatisfy { $0.header(Envelope.Header.source) == "/tenancy/\($0.commandResult?.service ?? "")" })
        await commands.close()
        await results.close()
    }
}
