import Foundation
import GRDB
import Kafka
import Logging
import Messaging
import MetricsTestKit
import Models
import TestSupport
import Testing

@testable import Pipeline

/// The replicas of reference data are read whole by every instance, outside the consumer group:
/// each genuine event of a replicated type is applied once by id, with the offsets reached in the
/// same transaction; what is forged, broken or of another type is passed over (the group
/// dead-letters it, once for the service); and the group, reading the same records, no longer
/// applies them itself but still dead-letters what the replicas pass over.
@Suite("Replicas read outside the group")
struct ReplicaProcessorTests {
    static let topic = "t.lifecycle.events"

    /// A directory of organization names (the replica) and a reaction to each `WorkspaceCreated`.
    struct Directory: MessageHandler {
        let commands = MessageRegistry()
        let events = MessageRegistry([WorkspaceCreated.self])
        let replica = MessageRegistry([OrganizationCreated.self, WorkspaceCreated.self])

        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            throw Rejection(.unauthenticated, "none")
        }
        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            throw Rejection(.unknownType, "none")
        }
        func replicate(_ event: any Message, envelope: Envelope, db: Database) throws {
            guard let created = event as? OrganizationCreated else { return }
            // Appends, so that applying an event twice would show.
            try db.execute(sql: "INSERT INTO names (name) VALUES (?)", arguments: [created.name])
        }
        func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
            [DomainEvent(event, subject: "ws_1")]
        }
    }

    let store: ServiceStore
    let replicas: ReplicaProcessor

    init() throws {
        store = try ServiceStore(path: nil) { migrator in
            migrator.registerMigration("names") { db in try db.execute(sql: "CREATE TABLE names (name TEXT NOT NULL)") }
        }
        replicas = ReplicaProcessor(
            store: store,
            handler: Directory(),
            eventTag: TestKeys.eventTag(for: "sharing"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test")
        )
    }

    func organization(_ id: String, named name: String, source: String = "/tenancy/lifecycle") -> KafkaRecord {
        record(id, OrganizationCreated(organizationID: OrganizationID(rawValue: "org_1"), name: name), source: source)
    }

    func record(_ id: String, _ event: some Message, source: String = "/tenancy/lifecycle") -> KafkaRecord {
        let envelope = Envelope(
            id: id,
            type: type(of: event).messageType,
            source: source,
            time: Date(timeIntervalSince1970: 1_800_000_000),
            subject: "org_1",
            payload: JSONCoding.encode(event)
        )
        return KafkaRecord(envelope, topic: Self.topic, key: "org_1")
    }

    func consumed(_ records: [KafkaRecord], partition: Int32 = 0, from offset: Int64 = 0) -> [KafkaConsumedMessage] {
        records.enumerated().map { index, record in
            KafkaConsumedMessage(
                topic: record.topic,
                partition: partition,
                offset: offset + Int64(index),
                key: record.key,
                value: record.value,
                headers: record.headers
            )
        }
    }

    func names() async throws -> [String] {
        try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM names ORDER BY rowid") }
    }

    @Test func genuineEventsAreAppliedOnceByIdWithTheOffsetsReached() async throws {
        let acme = organization("evt_acme", named: "Acme").taggedAsEvent(of: "lifecycle")
        let next = try await replicas.apply(
            replicas.prepare(consumed([acme, organization("evt_globex", named: "Globex").taggedAsEvent(of: "lifecycle")]))
        )
        #expect(next == [TopicPartition(topic: Self.topic, partition: 0): 2])
        // The same event sent again (the relay's retry) and the same records read again (a restart
        // from an older position) change nothing.
        try await replicas.apply(replicas.prepare(consumed([acme], from: 7)))
        try await replicas.apply(replicas.prepare(consumed([acme], from: 0)))
        #expect(try await names() == ["Acme", "Globex"])
        let stored = try store.replicaOffsets(for: [TopicPartition(topic: Self.topic, partition: 0)])
        #expect(stored == [TopicPartition(topic: Self.topic, partition: 0): 8])
        #expect(try store.storedOffsets(for: [TopicPartition(topic: Self.topic, partition: 0)]).isEmpty, "the group's offsets are its own")
    }

    @Test func forgedBrokenAndUnknownRecordsArePassedOverAndTheirIdsStayFree() async throws {
        var broken = organization("evt_broken", named: "Broken").taggedAsEvent(of: "lifecycle")
        broken.value = Data("{".utf8)
        let unknown = record(
            "evt_unknown",
            MemberRemoved(workspaceID: WorkspaceID(rawValue: "ws_1"), userID: UserID(rawValue: "usr_1"), removedBy: UserID(rawValue: "usr_2"))
        )
        let batch = [
            organization("evt_forged", named: "Forged"),
            organization("evt_posing", named: "Posing").taggedAsEvent(of: "deactivation"),
            broken,
            unknown.taggedAsEvent(of: "lifecycle"),
            organization("evt_genuine", named: "Genuine").taggedAsEvent(of: "lifecycle"),
        ]
        let next = try await replicas.apply(replicas.prepare(consumed(batch)))
        #expect(next == [TopicPartition(topic: Self.topic, partition: 0): Int64(batch.count)])
        #expect(try await names() == ["Genuine"])
        // The genuine event with the forged one's id still applies when it comes.
        try await replicas.apply(replicas.prepare(consumed([organization("evt_forged", named: "Real").taggedAsEvent(of: "lifecycle")], from: 9)))
        #expect(try await names() == ["Genuine", "Real"])
    }

    @Test func aDatabaseFromBeforeResumesTheReplicasWhereTheGroupLeftThem() async throws {
        var migrator = DatabaseMigrator()
        ServiceStore.registerSharedMigrations(&migrator)
        let queue = try DatabaseQueue()
        try migrator.migrate(queue, upTo: "pipeline.v5: parked outbox records")
        try await queue.write { db in
            try ConsumerOffsets.group.store([TopicPartition(topic: Self.topic, partition: 2): 41], db: db)
            try Inbox.record("evt_old", sender: Inbox.eventSender, type: "t", fingerprint: Data(), result: nil, at: Date(), db: db)
        }
        try migrator.migrate(queue)
        try await queue.read { db in
            let resumed = try ConsumerOffsets.replica.next(for: [TopicPartition(topic: Self.topic, partition: 2)], db: db)
            #expect(resumed == [TopicPartition(topic: Self.topic, partition: 2): 41])
            #expect(try Inbox.replicaHas("evt_old", db: db), "an event applied before is not applied again")
        }
    }

    @Test func theGroupReactsButLeavesTheReplicasToTheirReaderAndDeadLettersWhatTheyPassOver() async throws {
        let processor = BatchProcessor(
            store: store,
            handler: Directory(),
            topics: PipelineTopics(
                commands: nil,
                followedEvents: [Self.topic],
                replicated: [Self.topic],
                events: "t.sharing.events",
                results: "r",
                deadLetter: "d"
            ),
            source: "/tenancy/sharing",
            eventTag: TestKeys.eventTag(for: "sharing"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: TestMetrics(), knownTypes: [])
        )
        let workspace = WorkspaceCreated(
            workspaceID: WorkspaceID(rawValue: "ws_1"),
            organizationID: OrganizationID(rawValue: "org_1"),
            name: "Ops",
            createdBy: nil
        )
        try await processor.process(
            consumed([
                organization("evt_acme", named: "Acme").taggedAsEvent(of: "lifecycle"),
                organization("evt_forged", named: "Forged"),
                record("evt_ws", workspace).taggedAsEvent(of: "lifecycle"),
            ])
        )
        #expect(try await names().isEmpty, "the group does not apply the replicas")
        let rows = try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record)
        #expect(rows.filter { $0.topic == "d" }.map { $0.header(DeadLetterHeader.errorCode) } == [ErrorCode.forgedEvent.rawValue])
        #expect(rows.filter { $0.topic == "t.sharing.events" }.count == 1, "the reaction to the workspace")
        #expect(try await store.writer.read { db in try Inbox.containsEvent("evt_ws", db: db) && !Inbox.containsEvent("evt_acme", db: db) })
        // The replicas still apply the event the group reacted to, and the reaction is not repeated.
        try await replicas.apply(replicas.prepare(consumed([organization("evt_acme", named: "Acme").taggedAsEvent(of: "lifecycle")])))
        #expect(try await names() == ["Acme"])
    }
}
