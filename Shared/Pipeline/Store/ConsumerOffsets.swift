import GRDB
import Kafka

/// The next offset to read from each partition, written in the same transaction as the effects of
/// everything before it: the consumer group's in `consumer_offset`, the replica reader's (which
/// reads some of the same topics, whole) in `replica_offset`.
struct ConsumerOffsets {
    /// Where the consumer group's batches resume.
    static let group = ConsumerOffsets(table: "consumer_offset")
    /// Where the replica reader resumes.
    static let replica = ConsumerOffsets(table: "replica_offset")

    private let select: String
    private let upsert: String

    private init(table: String) {
        select = "SELECT next_offset FROM \(table) WHERE topic = ? AND partition = ?"
        upsert = """
            INSERT INTO \(table) (topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset
            """
    }

    func next(for partitions: some Sequence<TopicPartition>, db: Database) throws -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for partition in partitions {
            if let offset = try Int64.fetchOne(db.cachedStatement(sql: select), arguments: [partition.topic, partition.partition]) {
                offsets[partition] = offset
            }
        }
        return offsets
    }

    func store(_ offsets: [TopicPartition: Int64], db: Database) throws {
        for (partition, offset) in offsets {
            try db.cachedStatement(sql: upsert).execute(arguments: [partition.topic, partition.partition, offset])
        }
    }
}
