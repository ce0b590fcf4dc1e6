import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}`: a workspace with its members; `GET /workspaces/{id}/deactivation-preview`:
/// what Lifecycle's step of a deactivation would change now (a ``LifecycleDeactivationPreview``).
enum WorkspaceRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader) {
        router.get("/workspaces/:id", from: reader, missing: "workspace", target: ReadTarget.workspacePath) { id, db in
            try WorkspaceReads.workspace(id, db: db)
        }
        router.get("/workspaces/:id/deactivation-preview", from: reader, missing: "workspace", target: ReadTarget.workspacePath) { id, db in
            try WorkspaceReads.deactivationPreview(of: id, db: db)
        }
    }
}
