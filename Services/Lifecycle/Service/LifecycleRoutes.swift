import GRDB
import Hummingbird
import Models
import ServiceKit

/// Lifecycle's read side: each feature's routes, over a read-only handle on the store. Every route
/// has the same shape, written once below: parse the query parameters, read the view (or the page
/// of a list) for the path's id through the feature's `...Reads`, encode it.
enum LifecycleRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
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

extension RouterGroup where Context == ReadContext {
    /// `GET path` on the read side: in one read-only transaction, `target` names what the path's
    /// `:id` shows (nil when there is no such thing) and `read` finds its view, sent as JSON. A 404
    /// `not_found` saying "<missing> '<id>' not found" when there is none, and the same when the
    /// reader may not see the target (another tenant's).
    func get<Kind, View: Encodable & Sendable>(
        _ path: RouterPath,
        from reader: any DatabaseReader,
        missing: String,
        target: @escaping @Sendable (Identifier<Kind>, Database) throws -> ReadTarget?,
        read: @escaping @Sendable (Identifier<Kind>, Database) throws -> View?
    ) {
        get(path) { _, context -> Response in
            let id = Identifier<Kind>(rawValue: try context.parameters.require("id"))
            let view = try await reader.read { db -> View? in
                guard let shown = try target(id, db), try context.mayRead(shown) else { return nil }
                return try read(id, db)
            }
            return try JSONResponse.make(view, notFound: "\(missing) '\(id)' not found")
        }
    }

    /// `GET path` of a workspace's list (`/workspaces/:id/...`), a page at a time: `query` checks
    /// the query parameters (a 400 when one is wrong), `read` finds the page that `limit` and
    /// `cursor` ask for (a 400 `invalid_argument` when either is wrong), sent as
    /// `{"<name>": [...], "next_cursor": ...}`; a 404 `not_found` saying "<missing> '<id>' not found"
    /// when the workspace is unknown or another tenant's.
    func list<Query: Sendable, Item: Encodable & Sendable>(
        _ path: RouterPath,
        _ name: String,
        from reader: any DatabaseReader,
        pages: PageLimits,
        query: @escaping @Sendable (Parameters) throws -> Query,
        missing: String,
        read: @escaping @Sendable (WorkspaceID, Query, PageRequest, Database) throws -> Page<Item>?
    ) {
        get(path) { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let parsed = try query(request.uri.queryParameters)
            let page = try PageRequest(request, limits: pages)
            let items = try context.mayRead(.workspace(id)) ? try await reader.read { db in try read(id, parsed, page, db) } : nil
            return try JSONResponse.list(name, items, notFound: "\(missing) '\(id)' not found")
        }
    }

    /// The same for a list without filters.
    func list<Item: Encodable & Sendable>(
        _ path: RouterPath,
        _ name: String,
        from reader: any DatabaseReader,
        pages: PageLimits,
        missing: String,
        read: @escaping @Sendable (WorkspaceID, PageRequest, Database) throws -> Page<Item>?
    ) {
        list(path, name, from: reader, pages: pages, query: Self.noParameters, missing: missing) { id, _, page, db in try read(id, page, db) }
    }

    @Sendable private static func noParameters(_: Parameters) {}
}

extension ReadTarget {
    /// What a `/workspaces/:id...` path shows: that workspace, whether or not it exists.
    @Sendable static func workspacePath(_ id: WorkspaceID, _: Database) -> ReadTarget? { .workspace(id) }

    /// What an `/organizations/:id` path shows: that organization, whether or not it exists.
    @Sendable static func organizationPath(_ id: OrganizationID, _: Database) -> ReadTarget? { .organization(id) }
}
