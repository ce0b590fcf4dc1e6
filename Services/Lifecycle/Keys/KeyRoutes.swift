import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/api-keys`: a workspace's keys, never their secrets or hashes.
enum KeyRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/api-keys") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let keys = try await reader.read { db in try KeyReads.keys(in: id, db: db) }
            return try JSONResponse.make(keys.map { ["api_keys": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
