import Foundation
import GRDB
import Models
import TestSupport
import Testing

@testable import Pipeline

/// Housekeeping forgets processed ids after the retention, and nothing younger.
@Suite("Inbox retention")
struct InboxRetentionTests {
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
        let processor = BatchProcessor.inert(store, clock: { now })
        #expect(try await processor.housekeep() == 0)
        let kept = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT message_id FROM inbox ORDER BY message_id") }
        #expect(kept == ["edge", "recent"])
    }
}
