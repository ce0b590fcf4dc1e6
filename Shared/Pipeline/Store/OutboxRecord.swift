import Foundation
import GRDB
import Kafka
import Models

/// A record waiting to be published. Rows are published in `sequence` order and deleted once the
/// broker has acknowledged them.
struct OutboxRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "outbox"

    var sequence: Int64?
    var topic: String
    var key: Data?
    /// JSON array of `[name, base64 value]` pairs.
    var headers: Data
    var value: Data?
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case sequence, topic, key, headers, value, createdAt = "created_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }

    init(record: KafkaRecord, createdAt: Date) {
        topic = record.topic
        key = record.key
        headers = JSONCoding.encode(record.headers.map { [$0.name, $0.value.base64EncodedString()] })
        value = record.value
        self.createdAt = createdAt
    }

    var kafkaRecord: KafkaRecord {
        let pairs = (try? JSONDecoder().decode([[String]].self, from: headers)) ?? []
        let headers = pairs.compactMap { pair -> KafkaHeader? in
            guard pair.count == 2, let value = Data(base64Encoded: pair[1]) else { return nil }
            return KafkaHeader(name: pair[0], value: value)
        }
        return KafkaRecord(topic: topic, key: key, value: value, headers: headers)
    }
}

/// Queues records for the ``OutboxRelay`` from inside a write transaction, so that they are
/// published if and only if the transaction commits.
public enum Outbox {
    public static func enqueue(_ envelope: Envelope, topic: String, key: String, now: Date, db: Database) throws {
        let record = KafkaRecord(
            topic: topic, key: Data(key.utf8), value: envelope.payload,
            headers: envelope.headers.map { KafkaHeader(name: $0.name, string: $0.value) }
        )
        var row = OutboxRecord(record: record, createdAt: now)
        try row.insert(db)
    }
}
