import Directory
import GRDB
import Hummingbird
import Models
import ServiceKit

/// Notifications' read side: the history of a workspace's notifications, with delivery state; a
/// member sees only those of their key's workspace.
enum NotificationRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        // ?recipient=address&status=pending|sent|failed|not_sent&limit=&cursor=
        router.get("/workspaces/:id/notifications") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let filter = try NotificationFilter(request.uri.queryParameters)
            let page = try PageRequest(request, limits: pages)
            let notifications = try await reader.read { db -> Page<NotificationView>? in
                guard try context.mayRead(.workspace(id)), try Directory.workspace(id, db: db) != nil else { return nil }
                return try NotificationReads.workspaceNotifications(id, filter, page: page, db: db)
            }
            return try JSONResponse.list("notifications", notifications, notFound: "workspace '\(id)' not found")
        }
        router.get("/notifications/:id") { _, context -> Response in
            let id = NotificationID(rawValue: try context.parameters.require("id"))
            let notification = try await reader.read { db in try NotificationReads.notification(id, db: db) }
            let shown = try context.visible(notification) { .workspace(WorkspaceID(rawValue: $0.workspaceID)) }
            return try JSONResponse.make(shown, notFound: "notification '\(id)' not found")
        }
    }
}

extension NotificationFilter {
    /// The list's query parameters, checked.
    init(_ parameters: Parameters) throws {
        recipient = parameters.get("recipient")
        status = try parameters.value("status", "pending, sent, failed or not_sent")
    }
}
