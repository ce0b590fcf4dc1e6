import GRDB
import Models
import ServiceKit

/// Which of a workspace's notifications a list shows.
struct NotificationFilter: Sendable {
    /// An address, matched without regard to case.
    var recipient: String?
    var status: NotificationRecord.Status?
}

/// The read side's queries: notifications as ``NotificationView``s, for the HTTP routes.
enum NotificationReads {
    /// Newest first (`notification_by_workspace_created`).
    static let order = KeysetOrder("created_at", "id", descending: true)

    /// A page of a workspace's notifications, newest first, without their bodies.
    static func workspaceNotifications(
        _ workspace: WorkspaceID,
        _ filter: NotificationFilter,
        page: PageRequest,
        db: Database
    ) throws -> Page<
        NotificationView
    > {
        let after = try order.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM notification
                WHERE workspace_id = ? AND (? IS NULL OR recipient = ? COLLATE NOCASE) AND (? IS NULL OR status = ?)\(after.sql)
                ORDER BY \(order.orderBy) LIMIT ?
                """,
            arguments: [workspace, filter.recipient, filter.recipient, filter.status, filter.status] + after.arguments + [page.fetchLimit]
        )
        return try page.page(rows, order: order) { NotificationView(try NotificationRecord(row: $0)) }
    }

    /// One notification with its bodies; nil when there is none with that id.
    static func notification(_ id: NotificationID, db: Database) throws -> NotificationView? {
        try NotificationRecord.fetchOne(db, key: id).map { NotificationView($0, withBodies: true) }
    }
}
