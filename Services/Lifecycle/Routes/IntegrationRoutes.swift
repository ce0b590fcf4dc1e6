import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline

/// `GET /workspaces/{id}/integrations[?kind=step|trigger|secret]`: secret field names, never values.
enum IntegrationRoutes {
    static func register(on router: Router<BasicRequestContext>, store: ServiceStore) {
        router.get("/workspaces/:id/integrations") { request, context -> Response in
            let id = try context.parameters.require("id")
            let kind = request.uri.queryParameters.get("kind")
            if let kind, IntegrationKind(rawValue: kind) == nil {
                throw HTTPError(.badRequest, message: "kind must be step, trigger or secret")
            }
            let integrations = try await store.writer.read { db -> [IntegrationSnapshot]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM integration WHERE workspace_id = ? AND (? IS NULL OR kind = ?) ORDER BY kind, name_key", arguments: [id, kind, kind])
                return try rows.compactMap(LifecycleQueries.integration)
            }
            return try JSONResponse.make(integrations.map { ["integrations": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
