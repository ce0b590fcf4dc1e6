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

    /// Rows go oldest first, a bounded number at a time; the rest wait for the next pass.
    @Test func forgettingReadsOnlyTheOldestRows() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let store = try ServiceStore(path: nil, migrations: { _ in })
        func remaining() async throws -> [String] {
            try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT message_id FROM inbox ORDER BY rowid") }
        }
        try await store.writer.write { db in
            for (index, age) in [9.0, 8.5, 8.0, 1.0, 0.5].enumerated() {
                try Inbox.record(
                    "m\(index)",
                    sender: "s",
                    type: "t",
                    fingerprint: Data(),
                    result: nil,
                    at: now.addingTimeInterval(-age * 86_400),
                    db: db
                )
            }
        }
        let cutoff = now.addingTimeInterval(-7 * 86_400)
        try await store.writer.write { db in try Inbox.forget(before: cutoff, limit: 2, db: db) }
        #expect(try await remaining() == ["m2", "m3", "m4"])
        try await store.writer.write { db in try Inbox.forget(before: cutoff, limit: 2, db: db) }
        #expect(try await remaining() == ["m3", "m4"])
        // Nothing is due: the oldest row is younger than the cutoff, and it is all that is read.
        try await store.writer.write { db in try Inbox.forget(before: cutoff, limit: 2, db: db) }
        #expect(try await remaining() == ["m3", "m4"])
    }
}
