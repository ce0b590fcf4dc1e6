import Directory
import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// Sharing's read side: shares to and from a workspace, requests awaiting its decision, the
/// destinations of one integration, and one share with its history.
enum SharingRoutes {
    private static let select = """
        SELECT share.*, sharing_integration.name AS current_name, sharing_integration.vendor
        FROM share LEFT JOIN sharing_integration ON sharing_integration.id = share.integration_id
        """

    static func register(on router: Router<BasicRequestContext>, store: ServiceStore) {
        // ?direction=to|from&kind=step|trigger|secret&status=pending|accepted|...
        router.get("/workspaces/:id/shares") { request, context -> Response in
            let id = try context.parameters.require("id")
            let filter = try ShareFilter(request.uri.queryParameters)
            let shares = try await store.writer.read { db in try workspaceShares(id, filter, db: db) }
            return try JSONResponse.make(shares.map { ["shares": $0] }, notFound: "workspace '\(id)' not found")
        }
        router.get("/workspaces/:id/share-requests") { request, context -> Response in
            let id = try context.parameters.require("id")
            var pending = try ShareFilter(request.uri.queryParameters)
            (pending.direction, pending.status) = ("to", ShareStatus.pending.rawValue)
            let filter = pending
            let shares = try await store.writer.read { db in try workspaceShares(id, filter, db: db) }
            return try JSONResponse.make(shares.map { ["share_requests": $0] }, notFound: "workspace '\(id)' not found")
        }
        router.get("/integrations/:id/destinations") { _, context -> Response in
            let id = try context.parameters.require("id")
            let shares = try await store.writer.read { db in
                try Row.fetchAll(db, sql: select + " WHERE share.integration_id = ? AND share.status IN ('pending', 'accepted') ORDER BY share.destination_workspace_id", arguments: [id])
                    .map { ShareView(row: $0) }
            }
            return try JSONResponse.make(["destinations": shares], notFound: "")
        }
        router.get("/shares/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let share = try await store.writer.read { db -> ShareView? in
                guard let row = try Row.fetchOne(db, sql: select + " WHERE share.id = ?", arguments: [id]) else { return nil }
                var view = ShareView(row: row)
                view.history = try Row.fetchAll(db, sql: "SELECT * FROM share_history WHERE share_id = ? ORDER BY seq", arguments: [id]).map {
                    ShareView.Transition(status: $0["status"], by: $0["by"], automatic: $0["automatic"], cause: $0["cause"], reason: $0["reason"], at: $0["at"])
                }
                return view
            }
            return try JSONResponse.make(share, notFound: "share '\(id)' not found")
        }
    }

    /// Nil when the workspace is unknown.
    private static func workspaceShares(_ id: String, _ filter: ShareFilter, db: Database) throws -> [ShareView]? {
        guard try Directory.workspace(WorkspaceID(rawValue: id), db: db) != nil else { return nil }
        let side = switch filter.direction {
        case "to": "share.destination_workspace_id = :ws"
        case "from": "share.source_workspace_id = :ws"
        default: "(share.source_workspace_id = :ws OR share.destination_workspace_id = :ws)"
        }
        let rows = try Row.fetchAll(db, sql: select + """
             WHERE \(side) AND (:kind IS NULL OR share.integration_kind = :kind) AND (:status IS NULL OR share.status = :status)
            ORDER BY share.requested_at DESC, share.id
            """, arguments: ["ws": id, "kind": filter.kind, "status": filter.status])
        return rows.map { ShareView(row: $0, relativeTo: id) }
    }
}

/// The query parameters of the share lists, checked.
struct ShareFilter {
    var direction: String?
    var kind: String?
    var status: String?

    init(_ parameters: Parameters) throws {
        direction = parameters.get("direction")
        kind = parameters.get("kind")
        status = parameters.get("status")
        if let direction, !["to", "from"].contains(direction) {
            throw HTTPError(.badRequest, message: "direction must be 'to' or 'from'")
        }
        if let kind, IntegrationKind(rawValue: kind) == nil {
            throw HTTPError(.badRequest, message: "kind must be step, trigger or secret")
        }
        if let status, ShareStatus(rawValue: status) == nil {
            throw HTTPError(.badRequest, message: "status must be one of \(ShareStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
}
