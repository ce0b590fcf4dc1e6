import Foundation
import GRDB

/// The processed message ids. A command is kept under its id and its sender (its idempotency key
/// is the sender's own), with the fingerprint of what was sent and the result (without one-time
/// secrets), so that a repeat from that sender gets the original answer. An event is kept under
/// its id alone.
enum Inbox {
    /// The sender events are kept under: an event's id is unique by itself.
    static let eventSender = ""
    /// The sender events applied to the replicas are kept under, apart from the same events the
    /// service reacted to (the replica applies an event before the consumer group reacts to it).
    static let replicaSender = "#replica"
    /// The sender of a command recorded before the inbox kept senders (`pipeline.v4`).
    static let unknownSender = "*"

    /// What is remembered of a processed command.
    struct Entry {
        /// The sender's scope, or ``unknownSender``.
        var sender: String
        var fingerprint: Data
        /// JSON of the command's result without its one-time secrets; nil for events.
        var result: Data?
    }

    /// What is remembered of command `messageID`: from `sender`, and from a sender that was not
    /// recorded (``unknownSender``).
    static func entries(_ messageID: String, sender: String, db: Database) throws -> (own: Entry?, unattributed: Entry?) {
        let entries = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT sender, fingerprint, result FROM inbox WHERE message_id = ? AND sender IN (?, ?)"),
            arguments: [messageID, sender, unknownSender]
        )
        .map { Entry(sender: $0["sender"], fingerprint: $0["fingerprint"], result: $0["result"]) }
        return (entries.first { $0.sender == sender }, entries.first { $0.sender == unknownSender })
    }

    static func containsEvent(_ eventID: String, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM inbox WHERE message_id = ? AND sender = ?)"),
            arguments: [eventID, eventSender]
        ) ?? false
    }

    /// Whether the replicas have this event.
    static func replicaHas(_ eventID: String, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM inbox WHERE message_id = ? AND sender = ?)"),
            arguments: [eventID, replicaSender]
        ) ?? false
    }

    static func record(_ messageID: String, sender: String, type: String, fingerprint: Data, result: Data?, at time: Date, db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO inbox (message_id, sender, message_type, fingerprint, result, processed_at) VALUES (?, ?, ?, ?, ?, ?)"
        )
        .execute(arguments: [messageID, sender, type, fingerprint, result, StoredTimestamp(time)])
    }

    /// Forgets ids processed before `cutoff`, at most `limit` of them, of the `limit` oldest rows.
    /// Rows are added in the order they are processed, so row order is time order and the oldest
    /// are first; a row written under a clock that went back waits until those before it go.
    static func forget(before cutoff: Date, limit: Int, db: Database) throws {
        let cutoff = StoredTimestamp(cutoff)
        let oldestIsDue = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM (SELECT processed_at FROM inbox ORDER BY rowid LIMIT 1) WHERE processed_at < ?)"),
            arguments: [cutoff]
        )
        guard oldestIsDue == true else { return }
        try db.execute(
            sql: """
                DELETE FROM inbox WHERE rowid IN (
                    SELECT rowid FROM (SELECT rowid, processed_at FROM inbox ORDER BY rowid LIMIT ?) WHERE processed_at < ?
                )
                """,
            arguments: [limit, cutoff]
        )
    }
}
