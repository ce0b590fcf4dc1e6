import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}`: a workspace with its members; `GET /workspaces/{id}/deactivation-preview`:
/// what Lifecycle's step of a deactivation would change now (a ``LifecycleDeactivationPreview``).
enum WorkspaceRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let view = try await reader.read { db in try WorkspaceReads.workspace(id, db: db) }
            return try JSONResponse.make(view, notFound: "workspace '\(id)' not found")
        }
        router.get("/workspaces/:id/deactivation-preview") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let preview = try await reader.read { db in try WorkspaceReads.deactivationPreview(of: id, db: db) }
            return try JSONResponse.make(preview, notFound: "workspace '\(id)' not found")
        }
    }
}
