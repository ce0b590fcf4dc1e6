import GRDB
import Kafka

/// The next offset to read from each partition, written in the same transaction as the effects of
/// everything before it.
enum ConsumerOffsets {
    static func next(for partitions: some Sequence<TopicPartition>, db: Database) throws -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let sql = "SELECT next_offset FROM consumer_offset WHERE topic = ? AND partition = ?"
            if let offset = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [partition.topic, partition.partition]) {
                offsets[partition] = offset
            }
        }
        return offsets
    }

    static func store(_ offsets: [TopicPartition: Int64], db: Database) throws {
        for (partition, offset) in offsets {
            try db.cachedStatement(
                sql: """
                    INSERT INTO consumer_offset (topic, partition, next_offset) VALUES (?, ?, ?)
                    ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset
                    """
            ).execute(arguments: [partition.topic, partition.partition, offset])
        }
    }
}
