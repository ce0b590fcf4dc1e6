import Foundation
import GRDB
import Kafka
import Models

/// A record waiting to be published, with its place in the outbox's order.
package struct OutboxRecord: Sendable {
    package var sequence: Int64
    package var record: KafkaRecord
    /// When the batch that queued it began, in seconds since 1970.
    package var queuedAt: Double
}

/// Queues records for the ``OutboxRelay`` from inside a write transaction, so that they are
/// published if and only if the transaction commits. Rows are published in `sequence` order and
/// deleted once the broker has acknowledged them. A record that can never be published (the
/// producer or the broker refuses it for good) is parked instead: moved to the `parked` table,
/// which nothing sends, and described by a dead letter.
///
/// Every statement here runs for each message, so each is compiled once per connection and bound
/// with plain values rather than going through record encoding.
public enum Outbox {
    static func insert(_ record: KafkaRecord, now: Date, db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO outbox (topic, partition, key, headers, value, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [record.topic, record.partition, record.key, HeaderCoding.encode(record.headers), record.value, StoredTimestamp(now)])
    }

    /// The first `limit` rows after `sequence` in publishing order. A row whose headers cannot be
    /// read is published without them rather than blocking everything behind it.
    package static func oldest(_ limit: Int, after sequence: Int64 = 0, db: Database) throws -> [OutboxRecord] {
        let sql = """
            SELECT sequence, topic, partition, key, headers, value, (julianday(created_at) - 2440587.5) * 86400.0 AS queued_at
            FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?
            """
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [sequence, limit])
            .map { row in
                let headers: Data = row["headers"]
                return OutboxRecord(
                    sequence: row["sequence"],
                    record: KafkaRecord(
                        topic: row["topic"],
                        partition: row["partition"],
                        key: row["key"],
                        value: row["value"],
                        headers: HeaderCoding.decode(headers) ?? []
                    ),
                    queuedAt: row["queued_at"] ?? 0
                )
            }
    }

    package static func remove(_ sequences: [Int64], db: Database) throws {
        for sequence in sequences {
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE sequence = ?").execute(arguments: [sequence])
        }
    }

    /// Takes a queued row out of the send path for good: moves it to `parked` with why, and queues
    /// `deadLetter` (the entry describing it) in its place. Returns false when the row is gone already.
    package static func park(sequence: Int64, reason: String, kafkaError: Int32?, deadLetter: KafkaRecord?, now: Date, db: Database) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO parked (outbox_sequence, topic, partition, key, headers, value, created_at, parked_at, reason, kafka_error)
                SELECT sequence, topic, partition, key, headers, value, created_at, ?, ?, ? FROM outbox WHERE sequence = ?
                """,
            arguments: [StoredTimestamp(now), reason, kafkaError, sequence]
        )
        guard db.changesCount == 1 else { return false }
        try db.execute(sql: "DELETE FROM outbox WHERE sequence = ?", arguments: [sequence])
        if let deadLetter { try insert(deadLetter, now: now, db: db) }
        return true
    }

    /// Parks a record before it is queued: one the producer could never send.
    package static func park(_ record: KafkaRecord, reason: String, deadLetter: KafkaRecord?, now: Date, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO parked (topic, partition, key, headers, value, created_at, parked_at, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.topic, record.partition, record.key, HeaderCoding.encode(record.headers), record.value, StoredTimestamp(now),
                StoredTimestamp(now), reason,
            ]
        )
        if let deadLetter { try insert(deadLetter, now: now, db: db) }
    }

    /// Number of parked records.
    package static func parkedCount(db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM parked") ?? 0
    }

    /// When the batch that queued the oldest row began, in seconds since 1970; nil when the outbox is empty.
    package static func oldestQueuedAt(db: Database) throws -> Double? {
        try Double.fetchOne(
            db.cachedStatement(sql: "SELECT (julianday(created_at) - 2440587.5) * 86400.0 FROM outbox ORDER BY sequence LIMIT 1")
        )
    }

    /// Rows after `sequence`: all rows by default.
    package static func depth(after sequence: Int64 = 0, db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE sequence > ?"), arguments: [sequence]) ?? 0
    }
}
