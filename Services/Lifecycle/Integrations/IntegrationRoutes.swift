import GRDB
import Hummingbird
import Models

/// `GET /workspaces/{id}/integrations[?kind=step|trigger|secret][&shared=to|from|none]`: the
/// workspace's own integrations and the copies shared into it, with secret field names, never values.
enum IntegrationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/integrations", from: reader, query: IntegrationFilter.init, missing: "workspace") {
            id,
            filter,
            db in
            try IntegrationReads.integrations(in: id, filter, db: db).map { ["integrations": $0] }
        }
    }
}

extension IntegrationFilter {
    /// The list's query parameters, checked.
    init(_ parameters: Parameters) throws {
        kind = try parameters.value("kind", "step, trigger or secret")
        shared = try parameters.value("shared", "to, from or none")
    }
}
