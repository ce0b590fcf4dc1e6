import Foundation
import GRDB
import Kafka
import Logging
import Messaging
import MetricsTestKit
import Models
import Sealing
import TestSupport
import Testing

@testable import Pipeline

/// A follower applies an event only when the service that owns its topic made it: `ce_source`
/// names that service and its tag for the follower holds. Anything else is dead-lettered as
/// `forged_event`, counted, and passed over; it never blocks the partition nor takes the id of the
/// real event.
@Suite("Forged events")
struct ForgedEventTests {
    static let topic = "t.lifecycle.events"

    /// Sharing, as far as the pipeline goes: it reacts to each organization with an event of its own.
    struct Reacting: MessageHandler {
        let commands = MessageRegistry()
        let events = MessageRegistry([OrganizationCreated.self])
        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            throw Rejection(.unauthenticated, "none")
        }
        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            throw Rejection(.unknownType, "none")
        }
        func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
            [DomainEvent(event, subject: "org_1")]
        }
    }

    let store: ServiceStore
    let factory = TestMetrics()
    let processor: BatchProcessor

    init() throws {
        store = try ServiceStore(path: nil, migrations: { _ in })
        processor = BatchProcessor(
            store: store,
            handler: Reacting(),
            topics: PipelineTopics(commands: nil, followedEvents: [Self.topic], events: "t.sharing.events", results: "r", deadLetter: "d"),
            source: "/tenancy/sharing",
            eventTag: TestKeys.eventTag(for: "sharing"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: factory, knownTypes: [])
        )
    }

    /// An `OrganizationCreated` with `id` as it would be on the wire, untagged.
    func event(_ id: String, source: String = "/tenancy/lifecycle", type: MessageType = OrganizationCreated.messageType) -> KafkaRecord {
        let envelope = Envelope(
            id: id,
            type: type,
            source: source,
            time: Date(timeIntervalSince1970: 1_800_000_000),
            subject: "org_1",
            payload: JSONCoding.encode(OrganizationCreated(organizationID: OrganizationID(rawValue: "org_1"), name: "Acme"))
        )
        return KafkaRecord(envelope, topic: Self.topic, key: "org_1")
    }

    func process(_ records: [KafkaRecord], from offset: Int64 = 0) async throws {
        try await processor.process(
            records.enumerated().map { index, record in
                KafkaConsumedMessage(
                    topic: record.topic,
                    partition: 0,
                    offset: offset + Int64(index),
                    key: record.key,
                    value: record.value,
                    headers: record.headers
                )
            }
        )
    }

    func outbox() async throws -> [KafkaRecord] {
        try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record)
    }

    @Test func aGenuineEventIsAppliedAndTheReactionIsTaggedForItsFollowers() async throws {
        try await process([event("evt_good").taggedAsEvent(of: "lifecycle")])
        let rows = try await outbox()
        #expect(!rows.contains { $0.topic == "d" })
        let reaction = try #require(rows.first { $0.topic == "t.sharing.events" })
        let parts = EventTag.Parts(headers: reaction.headers, key: reaction.key, value: reaction.value)
        let tags = reaction.header(Envelope.Header.eventTags)
        #expect(tags?.split(separator: ",").map { $0.split(separator: "=")[0] } == ["deactivation", "lifecycle", "notes", "notifications"])
        for follower in ["lifecycle", "deactivation", "notifications"] {
            #expect(TestKeys.eventTag(for: follower).isAuthentic(tags, parts: parts, producer: "sharing"))
        }
        #expect(try await store.writer.read { db in try Inbox.containsEvent("evt_good", db: db) })
    }

    @Test func forgedEventsAreDeadLetteredNotAppliedAndThePartitionMovesOn() async throws {
        var changedValue = event("evt_value").taggedAsEvent(of: "lifecycle")
        changedValue.value = JSONCoding.encode(OrganizationCreated(organizationID: OrganizationID(rawValue: "org_1"), name: "Evil"))
        var changedID = event("evt_original").taggedAsEvent(of: "lifecycle")
        changedID.headers = changedID.headers.map { $0.name == Envelope.Header.id ? KafkaHeader(name: $0.name, string: "evt_changed") : $0 }
        var changedKey = event("evt_key").taggedAsEvent(of: "lifecycle")
        changedKey.key = Data("org_2".utf8)
        // Deactivation's tag relabelled as Sharing's.
        var otherFollower = event("evt_other_follower").taggedAsEvent(of: "lifecycle")
        let deactivationTag = try #require(
            otherFollower.header(Envelope.Header.eventTags)?.split(separator: ",").first { $0.hasPrefix("deactivation=") }
        )
        otherFollower.headers = otherFollower.headers.map {
            $0.name == Envelope.Header.eventTags
                ? KafkaHeader(name: $0.name, string: "sharing=" + deactivationTag.dropFirst("deactivation=".count)) : $0
        }
        let forged = [
            event("evt_untagged"),
            changedValue,
            changedID,
            changedKey,
            otherFollower,
            // Tagged by a service that does not own the topic, under its own name or the owner's.
            event("evt_by_deactivation", source: "/tenancy/deactivation").taggedAsEvent(of: "deactivation"),
            event("evt_posing").taggedAsEvent(of: "deactivation"),
            // Lifecycle's genuine tag over a `ce_source` that is not Lifecycle's.
            event("evt_wrong_source", source: "/tenancy/deactivation").taggedAsEvent(of: "lifecycle"),
        ]
        try await process(forged + [event("evt_after").taggedAsEvent(of: "lifecycle")])

        let rows = try await outbox()
        let deadLetters = rows.filter { $0.topic == "d" }
        #expect(deadLetters.count == forged.count)
        #expect(deadLetters.allSatisfy { $0.header(DeadLetterHeader.errorCode) == ErrorCode.forgedEvent.rawValue })
        #expect(deadLetters.compactMap { $0.header(DeadLetterHeader.originalOffset) } == (0..<forged.count).map(String.init))
        #expect(rows.filter { $0.topic == "t.sharing.events" }.count == 1, "only the genuine event after them is applied")
        #expect(try factory.expectCounter("tenancy_forged_events_total").totalValue == forged.count)
        #expect(try factory.expectCounter("tenancy_events_applied_total").totalValue == 1)
        let offsets = try await store.writer.read { db in
            try ConsumerOffsets.group.next(for: [TopicPartition(topic: Self.topic, partition: 0)], db: db)
        }
        #expect(offsets[TopicPartition(topic: Self.topic, partition: 0)] == Int64(forged.count + 1))
    }

    @Test func aForgedEventDoesNotTakeTheIdOfTheRealOne() async throws {
        try await process([event("evt_1")])
        try await process([event("evt_1").taggedAsEvent(of: "lifecycle")], from: 1)
        let rows = try await outbox()
        #expect(rows.filter { $0.topic == "d" }.count == 1)
        #expect(rows.filter { $0.topic == "t.sharing.events" }.count == 1)
    }

    @Test func eventsTheServiceDoesNotApplyAreSkippedAsBefore() async throws {
        try await process([event("evt_unheard", type: MemberAdded.messageType)])
        #expect(try await outbox().isEmpty)
    }

    @Test func topicOwnersComeFromTheirNames() {
        let topics = Topics(prefix: "t-1")
        #expect(Topics.owner(ofEvents: topics.lifecycleEvents) == "lifecycle")
        #expect(Topics.owner(ofEvents: topics.sharingEvents) == "sharing")
        #expect(Topics.owner(ofEvents: topics.deactivationEvents) == "deactivation")
        #expect(Topics.owner(ofEvents: topics.notifications) == "notifications")
        #expect(Topics.owner(ofEvents: topics.lifecycleCommands) == nil)
        #expect(Topics.owner(ofEvents: "in") == nil)
    }
}
