import GRDB
import Hummingbird
import Models
import ServiceKit

/// Deactivation's read side: one operation with its steps, and a workspace's status with its
/// operations; a member sees only those of their key's workspace.
enum OperationRoutes {
    /// The operations list takes `limit` and `cursor`, and answers a page (`next_cursor`).
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.get("/operations/:id") { _, context -> Response in
            let id = OperationID(rawValue: try context.parameters.require("id"))
            let view = try await reader.read { db in try DeactivationReads.operation(id, db: db) }
            let shown = try context.visible(view) { .workspace(WorkspaceID(rawValue: $0.workspaceID)) }
            return try JSONResponse.make(shown, notFound: "operation '\(id)' not found")
        }
        router.get("/workspaces/:id/operations") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let page = try PageRequest(request, limits: pages)
            let view =
                try context.mayRead(.workspace(id))
                ? try await reader.read { db in try DeactivationReads.workspaceOperations(id, page: page, db: db) } : nil
            return try JSONResponse.make(view, notFound: "workspace '\(id)' not found")
        }
    }
}
