import Foundation
import GRDB

/// One processed message id. For commands it keeps the payload's fingerprint and the result
/// (without one-time secrets), so a repeated id gets the original answer.
struct InboxRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "inbox"

    var messageID: String
    var messageType: String
    var fingerprint: Data
    /// JSON of the replayable ``CommandResult``; nil for events.
    var result: Data?
    var processedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case messageID = "message_id", messageType = "message_type", fingerprint, result, processedAt = "processed_at"
    }
}
