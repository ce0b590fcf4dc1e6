import GRDB
import Hummingbird
import Models
import ServiceKit

/// Notifications' read side: the history of a workspace's notifications, with delivery state.
enum NotificationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader, pages: PageLimits) {
        // ?recipient=address&status=pending|sent|failed|not_sent&limit=&cursor=
        router.get("/workspaces/:id/notifications") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let filter = try NotificationFilter(request.uri.queryParameters)
            let page = try PageRequest(request, limits: pages)
            let notifications = try await reader.read { db in try NotificationReads.workspaceNotifications(id, filter, page: page, db: db) }
            return try JSONResponse.list("notifications", notifications, notFound: "")
        }
        router.get("/notifications/:id") { _, context -> Response in
            let id = NotificationID(rawValue: try context.parameters.require("id"))
            let notification = try await reader.read { db in try NotificationReads.notification(id, db: db) }
            return try JSONResponse.make(notification, notFound: "notification '\(id)' not found")
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
