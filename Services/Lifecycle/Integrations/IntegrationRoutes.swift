import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/integrations[?kind=step|trigger|secret][&shared=to|from|none]`: the
/// workspace's own integrations and the copies shared into it, with secret field names, never values. Paged.
enum IntegrationRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.list("/workspaces/:id/integrations", "integrations", from: reader, pages: pages, query: IntegrationFilter.init, missing: "workspace") {
            id,
            filter,
            page,
            db in
            try IntegrationReads.integrations(in: id, filter, page: page, db: db)
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
