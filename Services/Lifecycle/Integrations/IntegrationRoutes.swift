import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/integrations[?kind=step|trigger|secret][&shared=to|from|none]`: the
/// workspace's own integrations and the copies shared into it, with secret field names, never values.
enum IntegrationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/integrations") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let parameters = request.uri.queryParameters
            let filter = IntegrationFilter(kind: try parameters.value("kind", "step, trigger or secret"), shared: try parameters.value("shared", "to, from or none"))
            let integrations = try await reader.read { db in try IntegrationReads.integrations(in: id, filter, db: db) }
            return try JSONResponse.make(integrations.map { ["integrations": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
