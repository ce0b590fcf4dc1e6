import Foundation
import Models

/// A notification in the history: bodies only when one is asked for by id.
struct NotificationView: Encodable {
    var notificationID: String
    var kind: String
    var workspaceID: String
    var recipient: String
    var subject: String
    var status: String
    var attempts: Int
    var lastError: String?
    var messageID: String
    var causeEventID: String
    var causeEventType: String
    var createdAt: Date
    var settledAt: Date?
    var text: String?
    var html: String?

    init(_ record: NotificationRecord, withBodies: Bool = false) {
        notificationID = record.id.rawValue
        kind = record.kind.rawValue
        workspaceID = record.workspaceID.rawValue
        recipient = record.recipient
        subject = record.subject
        status = record.status.rawValue
        attempts = record.attempts
        lastError = record.lastError
        messageID = record.messageID
        causeEventID = record.causeEventID
        causeEventType = record.causeEventType
        createdAt = record.createdAt
        settledAt = record.settledAt
        text = withBodies ? record.text : nil
        html = withBodies ? record.html : nil
    }

    enum CodingKeys: String, CodingKey {
        case notificationID = "notification_id"
        case kind
        case workspaceID = "workspace_id"
        case recipient, subject, status, attempts
        case lastError = "last_error"
        case messageID = "message_id"
        case causeEventID = "cause_event_id"
        case causeEventType = "cause_event_type"
        case createdAt = "created_at"
        case settledAt = "settled_at"
        case text, html
    }
}
