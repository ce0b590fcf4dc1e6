import Foundation
import GRDB
import Kafka
import Logging
import Messaging
import Metrics
import Models
import TestSupport
import Testing

@testable import Pipeline

/// Events published in reaction to another service's event get ids derived from that event's id
/// and the publishing service: the same on every replay, different between two services.
@Suite("Reaction event ids")
struct ReactionIDTests {
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

    /// The `ce_id` that a service with `source` publishes in reaction to one incoming event.
    func reactionID(source: String) async throws -> String? {
        let store = try ServiceStore(path: nil, migrations: { _ in })
        let processor = BatchProcessor(
            store: store,
            handler: Reacting(),
            topics: PipelineTopics(commands: nil, followedEvents: ["t.lifecycle.events"], events: "out", results: "r", deadLetter: "d"),
            source: source,
            eventTag: TestKeys.eventTag(for: String(source.split(separator: "/").last ?? "")),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance, knownTypes: [])
        )
        let incoming = Envelope(
            id: "evt-cause",
            type: OrganizationCreated.messageType,
            source: "/tenancy/lifecycle",
            time: Date(timeIntervalSince1970: 1_800_000_000),
            subject: "org_1",
            payload: JSONCoding.encode(OrganizationCreated(organizationID: OrganizationID(rawValue: "org_1"), name: "Acme"))
        )
        let record = KafkaRecord(incoming, topic: "t.lifecycle.events", key: "org_1").taggedAsEvent(of: "lifecycle")
        let message = KafkaConsumedMessage(
            topic: record.topic,
            partition: 0,
            offset: 0,
            key: record.key,
            value: record.value,
            headers: record.headers
        )
        try await processor.process([message])
        let rows = try await store.writer.read { db in try Outbox.oldest(100, db: db) }
        return rows.first { $0.record.topic == "out" }?.record.headers.first { $0.name == Envelope.Header.id }.map {
            String(decoding: $0.value, as: UTF8.self)
        }
    }

    @Test func idsAreStablePerServiceAndDistinctBetweenServices() async throws {
        let sharing = try #require(try await reactionID(source: "/tenancy/sharing"))
        let deactivation = try #require(try await reactionID(source: "/tenancy/deactivation"))
        #expect(sharing.hasPrefix("evt_") && sharing != deactivation)
        #expect(try await reactionID(source: "/tenancy/sharing") == sharing, "a replay publishes the same id")
    }
}
