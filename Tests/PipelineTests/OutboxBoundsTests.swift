import Foundation
import GRDB
import Hashing
import Kafka
import Logging
import Messaging
import Metrics
import Models
import TestSupport
import Testing

@testable import Pipeline

/// Nothing queued in the outbox is larger than the producer may send: a dead letter keeps a bounded
/// prefix of the original (with its size and digest), and a record too large to send is parked.
@Suite("Outbox bounds")
struct OutboxBoundsTests {
    struct Refusing: MessageHandler {
        let commands = MessageRegistry([CreateOrganization.self])
        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            .tokenHolder("anyone")
        }
        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            throw Rejection(.forbidden, "not here")
        }
    }

    /// Reacts to an organization with an event far larger than what caused it.
    struct Amplifying: MessageHandler {
        let commands = MessageRegistry()
        let events = MessageRegistry([OrganizationCreated.self])
        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            throw Rejection(.unknownType, "none")
        }
        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            throw Rejection(.unknownType, "none")
        }
        func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
            [
                DomainEvent(
                    OrganizationCreated(organizationID: OrganizationID(rawValue: "org_1"), name: String(repeating: "n", count: 300_000)),
                    subject: "org_1"
                )
            ]
        }
    }

    func processor(_ store: ServiceStore, _ handler: any MessageHandler, limits: EnvelopeLimits = EnvelopeLimits()) -> BatchProcessor {
        BatchProcessor(
            store: store,
            handler: handler,
            topics: PipelineTopics(commands: "c", followedEvents: ["t.sharing.events"], events: "out", results: "r", deadLetter: "d"),
            source: "/tenancy/lifecycle",
            eventTag: TestKeys.eventTag(for: "lifecycle"),
            limits: limits,
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance, knownTypes: [])
        )
    }

    func consumed(_ record: KafkaRecord, offset: Int64) -> KafkaConsumedMessage {
        KafkaConsumedMessage(topic: record.topic, partition: 0, offset: offset, key: record.key, value: record.value, headers: record.headers)
    }

    @Test func deadLettersOfSecretBearingCommandsKeepNothingOfTheirValue() async throws {
        let store = try ServiceStore(path: nil, migrations: { _ in })
        let processor = processor(store, Refusing())
        var record = CommandFactory.record(
            CreateIntegration(kind: .secret, vendor: "vault", name: "db"),
            topic: "c",
            id: "clear-secrets",
            key: "k",
            credential: TestKeys.operatorCredential
        )
        // An old client's clear secret value in a payload that does not decode.
        record.value = Data(#"{"kind":"secret","vendor":"vault","name":"db","secrets":{"password":"hunter2-clear"#.utf8)
        try await processor.process([consumed(record, offset: 0)])
        let entry = try #require(try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record).first { $0.topic == "d" })
        #expect(entry.value?.isEmpty == true)
        #expect(entry.header(DeadLetterHeader.valueDropped) == "secret-bearing type")
        #expect(entry.header(DeadLetterHeader.originalSHA256) == nil)
        #expect(entry.header(DeadLetterHeader.originalSize) == String(record.value?.count ?? -1))
    }

    @Test func deadLettersOfHugeCommandsKeepABoundedPrefixWithTheWholeValuesSizeAndDigest() async throws {
        let store = try ServiceStore(path: nil, migrations: { _ in })
        let processor = processor(store, Refusing())
        func poison(_ id: String, size: Int) -> KafkaRecord {
            var record = CommandFactory.record(
                CreateOrganization(name: "Acme", ownerEmail: "a@acme.example"),
                topic: "c",
                id: id,
                key: "k",
                credential: TestKeys.operatorCredential
            )
            record.value = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 % 251) })
            return record
        }
        // Under the 1 MiB payload limit but not JSON, with a 100 kB key and 1 MB of extra headers.
        var underLimit = poison("under-limit", size: 1_040_000)
        underLimit.key = Data(repeating: 0x6B, count: 100_000)
        underLimit.headers += [KafkaHeader(name: "x-huge", value: Data(repeating: 0x68, count: 1_000_000))]
        underLimit.headers += (0..<40).map { KafkaHeader(name: "x-junk-\($0)", value: Data(repeating: 0x6A, count: 4_000)) }
        let overLimit = poison("over-limit", size: 1_200_000)
        try await processor.process([consumed(underLimit, offset: 0), consumed(overLimit, offset: 1)])

        let rows = try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record)
        let results = rows.filter { $0.topic == "r" }.compactMap { $0.value.flatMap { try? JSONCoding.decode(CommandResult.self, from: $0) } }
        #expect(Set(results.map(\.commandID)) == ["under-limit", "over-limit"])
        #expect(results.first { $0.commandID == "under-limit" }?.error?.code == .malformedPayload)
        #expect(results.first { $0.commandID == "over-limit" }?.error?.code == .messageTooLarge)
        #expect(results.allSatisfy { $0.service == "lifecycle" })

        let deadLetters = rows.filter { $0.topic == "d" }
        #expect(deadLetters.count == 2)
        for (original, entry) in zip([underLimit, overLimit], deadLetters) {
            let whole = try #require(original.value)
            #expect(entry.value == whole.prefix(65_536))
            #expect(entry.header(DeadLetterHeader.originalSize) == String(whole.count))
            #expect(entry.header(DeadLetterHeader.originalSHA256) == SHA256Digest.hex(of: whole))
            #expect(entry.header(Envelope.Header.id) == original.header(Envelope.Header.id))
            #expect(entry.header(Envelope.Header.authorization) == nil)
            #expect(RecordLimits.size(of: entry) <= 65_536 + 48 * 1_024)
            #expect(RecordLimits.size(of: entry) <= processor.recordLimits.maxRecordBytes)
        }
        let bounded = try #require(deadLetters.first)
        #expect(bounded.key?.count == 1_024)
        #expect(bounded.headers.allSatisfy { $0.value.count <= 4_096 })
        #expect(Int(bounded.header(DeadLetterHeader.headersDropped) ?? "0") ?? 0 > 0)
        #expect(try await store.writer.read { db in try Outbox.parkedCount(db: db) } == 0)
    }

    @Test func anEventLargerThanTheProducerMaySendIsParkedWithADeadLetterInstead() async throws {
        let store = try ServiceStore(path: nil, migrations: { _ in })
        let processor = processor(store, Amplifying(), limits: EnvelopeLimits(maxPayloadBytes: 100_000))
        #expect(processor.recordLimits.maxRecordBytes == 100_000 + 128 * 1_024)
        let cause = Envelope(
            id: "evt-cause",
            type: OrganizationCreated.messageType,
            source: "/tenancy/sharing",
            time: Date(),
            subject: "org_1",
            payload: JSONCoding.encode(OrganizationCreated(organizationID: OrganizationID(rawValue: "org_1"), name: "Acme"))
        )
        try await processor.process([consumed(KafkaRecord(cause, topic: "t.sharing.events", key: "org_1").taggedAsEvent(of: "sharing"), offset: 0)])

        let rows = try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record)
        #expect(rows.allSatisfy { RecordLimits.size(of: $0) <= processor.recordLimits.maxRecordBytes })
        #expect(!rows.contains { $0.topic == "out" })
        let entry = try #require(rows.first { $0.topic == "d" })
        #expect(entry.header(DeadLetterHeader.errorCode) == DeadLetterHeader.undeliverable)
        #expect(entry.header(DeadLetterHeader.originalTopic) == "out")
        #expect(entry.header(DeadLetterHeader.errorMessage)?.contains("at most \(processor.recordLimits.maxRecordBytes)") == true)
        #expect((entry.value?.count ?? 0) == 65_536 && Int(entry.header(DeadLetterHeader.originalSize) ?? "") ?? 0 > 300_000)
        let parked = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT topic, length(value) AS size, reason, outbox_sequence FROM parked")
        }
        #expect(parked.count == 1)
        #expect(parked.first?["topic"] == "out" && (parked.first?["size"] as Int? ?? 0) > 300_000)
        #expect((parked.first?["outbox_sequence"] as Int64?) == nil)

        // A dead letter that cannot be published is parked without another one about it.
        let deadLetters = DeadLetters(topic: "d", service: "/tenancy/lifecycle", valueBytes: 65_536)
        #expect(deadLetters.undeliverable(entry, reason: "refused") == nil)
    }
}
