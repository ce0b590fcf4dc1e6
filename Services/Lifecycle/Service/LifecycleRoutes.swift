import GRDB
import Hummingbird
import Models
import ServiceKit

/// Lifecycle's read side: each feature's routes, over a read-only handle on the store. Every route
/// has the same shape, written once below: parse the query parameters, read the view (or the page
/// of a list) for the path's id through the feature's `...Reads`, encode it.
enum LifecycleRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader, pages: PageLimits) {
        OrganizationRoutes.register(on: router, reader: reader)
        WorkspaceRoutes.register(on: router, reader: reader)
        KeyRoutes.register(on: router, reader: reader, pages: pages)
        InvitationRoutes.register(on: router, reader: reader, pages: pages)
        SSORoutes.register(on: router, reader: reader, pages: pages)
        RunnerRoutes.register(on: router, reader: reader, pages: pages)
        IntegrationRoutes.register(on: router, reader: reader, pages: pages)
        WorkflowRoutes.register(on: router, reader: reader, pages: pages)
    }
}

extension Router where Context == BasicRequestContext {
    /// `GET path` on the read side: `query` checks the query parameters (a 400 when one is wrong),
    /// `read` finds the view for the path's `:id` in one read-only transaction, and the view is sent
    /// as JSON; a 404 `not_found` saying "<missing> '<id>' not found" when there is none.
    func get<Kind, Query: Sendable, View: Encodable & Sendable>(
        _ path: RouterPath,
        from reader: any DatabaseReader,
        query: @escaping @Sendable (Parameters) throws -> Query,
        missing: String,
        read: @escaping @Sendable (Identifier<Kind>, Query, Database) throws -> View?
    ) {
        get(path) { request, context -> Response in
            let id = Identifier<Kind>(rawValue: try context.parameters.require("id"))
            let parsed = try query(request.uri.queryParameters)
            let view = try await reader.read { db in try read(id, parsed, db) }
            return try JSONResponse.make(view, notFound: "\(missing) '\(id)' not found")
        }
    }

    /// The same for a route without query parameters.
    func get<Kind, View: Encodable & Sendable>(
        _ path: RouterPath,
        from reader: any DatabaseReader,
        missing: String,
        read: @escaping @Sendable (Identifier<Kind>, Database) throws -> View?
    ) {
        get(path, from: reader, query: Self.noParameters, missing: missing) { id, _, db in try read(id, db) }
    }

    /// `GET path` of a list, a page at a time: as above, with the page that `limit` and `cursor` ask
    /// for (a 400 `invalid_argument` when either is wrong), sent as `{"<name>": [...], "next_cursor": ...}`.
    func list<Kind, Query: Sendable, Item: Encodable & Sendable>(
        _ path: RouterPath,
        _ name: String,
        from reader: any DatabaseReader,
        pages: PageLimits,
        query: @escaping @Sendable (Parameters) throws -> Query,
        missing: String,
        read: @escaping @Sendable (Identifier<Kind>, Query, PageRequest, Database) throws -> Page<Item>?
    ) {
        get(path) { request, context -> Response in
            let id = Identifier<Kind>(rawValue: try context.parameters.require("id"))
            let parsed = try query(request.uri.queryParameters)
            let page = try PageRequest(request, limits: pages)
            let items = try await reader.read { db in try read(id, parsed, page, db) }
            return try JSONResponse.list(name, items, notFound: "\(missing) '\(id)' not found")
        }
    }

    /// The same for a list without filters.
    func list<Kind, Item: Encodable & Sendable>(
        _ path: RouterPath,
        _ name: String,
        from reader: any DatabaseReader,
        pages: PageLimits,
        missing: String,
        read: @escaping @Sendable (Identifier<Kind>, PageRequest, Database) throws -> Page<Item>?
    ) {
        list(path, name, from: reader, pages: pages, query: Self.noParameters, missing: missing) { id, _, page, db in try read(id, page, db) }
    }

    @Sendable private static func noParameters(_: Parameters) {}
}
