import GRDB
import Models

/// Which of a workspace's notifications a list shows.
struct NotificationFilter: Sendable {
    /// An address, matched without regard to case.
    var recipient: String?
    var status: NotificationRecord.Status?
}

/// The read side's queries: notifications as ``NotificationView``s, for the HTTP routes.
enum NotificationReads {
    /// A workspace's notifications, newest first, at most 500, without their bodies.
    static func workspaceNotifications(_ workspace: WorkspaceID, _ filter: NotificationFilter, db: Database) throws -> [NotificationView] {
        try NotificationRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM notification
                WHERE workspace_id = :ws AND (:recipient IS NULL OR recipient = :recipient COLLATE NOCASE) AND (:status IS NULL OR status = :status)
                ORDER BY created_at DESC, id LIMIT 500
                """,
            arguments: ["ws": workspace, "recipient": filter.recipient, "status": filter.status]
        ).map { NotificationView($0) }
    }

    /// One notification with its bodies; nil when there is none with that id.
    static func notification(_ id: NotificationID, db: Database) throws -> NotificationView? {
        try NotificationRecord.fetchOne(db, key: id).map { NotificationView($0, withBodies: true) }
    }
}
