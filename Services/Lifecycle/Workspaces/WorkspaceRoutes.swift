import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}`: a workspace with its members.
enum WorkspaceRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let view = try await reader.read { db in try WorkspaceReads.workspace(id, db: db) }
            return try JSONResponse.make(view, notFound: "workspace '\(id)' not found")
        }
    }
}
