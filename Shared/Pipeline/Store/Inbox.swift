import Foundation
import GRDB

/// The processed message ids. For commands it keeps the payload's fingerprint and the result
/// (without one-time secrets), so a repeated id gets the original answer.
enum Inbox {
    /// What is remembered of a processed command.
    struct Entry {
        var fingerprint: Data
        /// JSON of the command's result without its one-time secrets; nil for events.
        var result: Data?
    }

    static func entry(_ messageID: String, db: Database) throws -> Entry? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT fingerprint, result FROM inbox WHERE message_id = ?"), arguments: [messageID])
            .map { Entry(fingerprint: $0["fingerprint"], result: $0["result"]) }
    }

    static func contains(_ messageID: String, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM inbox WHERE message_id = ?)"), arguments: [messageID]) ?? false
    }

    static func record(_ messageID: String, type: String, fingerprint: Data, result: Data?, at time: Date, db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO inbox (message_id, message_type, fingerprint, result, processed_at) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [messageID, type, fingerprint, result, StoredTimestamp(time)])
    }

    /// Forgets ids processed before `cutoff`, at most `limit` of them.
    static func forget(before cutoff: Date, limit: Int, db: Database) throws {
        try db.execute(
            sql: "DELETE FROM inbox WHERE rowid IN (SELECT rowid FROM inbox WHERE processed_at < ? LIMIT ?)",
            arguments: [StoredTimestamp(cutoff), limit]
        )
    }
}
