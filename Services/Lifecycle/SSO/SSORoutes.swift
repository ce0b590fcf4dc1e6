import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/sso` and `GET /workspaces/{id}/claim-mappings`.
enum SSORoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/sso") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let view = try await reader.read { db in try SSOReads.settings(of: id, db: db) }
            return try JSONResponse.make(view, notFound: "workspace '\(id)' has no SSO settings")
        }
        router.get("/workspaces/:id/claim-mappings") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let mappings = try await reader.read { db in try SSOReads.claimMappings(in: id, db: db) }
            return try JSONResponse.make(mappings.map { ["claim_mappings": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
