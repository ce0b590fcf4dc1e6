import GRDB

/// The next offset to read from a partition, written in the same transaction as the effects of
/// everything before it.
struct ConsumerOffsetRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "consumer_offset"

    var topic: String
    var partition: Int32
    var nextOffset: Int64

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case topic, partition, nextOffset = "next_offset"
    }
}
