import Foundation
import GRDB
import Logging
import Metrics
import Models
import TestSupport
import Testing

@testable import Pipeline

/// Housekeeping forgets processed ids after the retention, and nothing younger.
@Suite("Inbox retention")
struct InboxRetentionTests {
    struct Inert: MessageHandler {
        let commands = MessageRegistry()
        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            throw Rejection(.unauthenticated, "none")
        }
        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            throw Rejection(.unknownType, "none")
        }
    }

    @Test func processedIDsOlderThanTheRetentionAreForgotten() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let store = try ServiceStore(path: nil, migrations: { _ in })
        try await store.writer.write { db in
            for (id, age) in [("old", 8.0), ("edge", 7.0), ("recent", 6.9)] {
                // Written with GRDB's own date format, as rows from before `StoredTimestamp` were.
                try db.execute(
                    sql: "INSERT INTO inbox (message_id, sender, message_type, fingerprint, processed_at) VALUES (?, '', 't', x'', ?)",
                    arguments: [id, now.addingTimeInterval(-age * 86_400)]
                )
            }
        }
        let processor = BatchProcessor(
            store: store,
            handler: Inert(),
            topics: PipelineTopics(commands: "c", followedEvents: [], events: nil, results: "r", deadLetter: "d"),
            source: "/t",
            eventTag: TestKeys.eventTag(for: "notes"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance, knownTypes: []),
            inboxRetention: 7 * 86_400,
            clock: { now }
        )
        #expect(try await processor.housekeep() == 0)
        let kept = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT message_id FROM inbox ORDER BY message_id") }
        #expect(kept == ["edge", "recent"])
    }
}
