import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// Notifications' read side: the history of a workspace's notifications, with delivery state.
enum NotificationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        // ?recipient=address&status=pending|sent|failed|not_sent
        router.get("/workspaces/:id/notifications") { request, context -> Response in
            let id = try context.parameters.require("id")
            let recipient = request.uri.queryParameters.get("recipient")
            let status = request.uri.queryParameters.get("status")
            if let status, NotificationRecord.Status(rawValue: status) == nil {
                throw HTTPError(.badRequest, message: "status must be pending, sent, failed or not_sent")
            }
            let notifications = try await reader.read { db in
                try NotificationRecord.fetchAll(db, sql: """
                    SELECT * FROM notification WHERE workspace_id = ? AND (? IS NULL OR recipient = ? COLLATE NOCASE) AND (? IS NULL OR status = ?)
                    ORDER BY created_at DESC, id LIMIT 500
                    """, arguments: [id, recipient, recipient, status, status]).map { NotificationView($0) }
            }
            return try JSONResponse.make(["notifications": notifications], notFound: "")
        }
        router.get("/notifications/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let notification = try await reader.read { db in try NotificationRecord.fetchOne(db, key: id) }
            return try JSONResponse.make(notification.map { NotificationView($0, withBodies: true) }, notFound: "notification '\(id)' not found")
        }
    }
}

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
        case notificationID = "notification_id", kind, workspaceID = "workspace_id", recipient, subject, status, attempts
        case lastError = "last_error", messageID = "message_id", causeEventID = "cause_event_id", causeEventType = "cause_event_type"
        case createdAt = "created_at", settledAt = "settled_at", text, html
    }
}
