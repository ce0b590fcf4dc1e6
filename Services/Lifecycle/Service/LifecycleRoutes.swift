import GRDB
import Hummingbird
import Models
import ServiceKit

/// Lifecycle's read side: each feature's routes, over a read-only handle on the store. Every route
/// has the same shape, written once below: parse the query parameters, read the view for the
/// path's id through the feature's `...Reads`, encode it.
enum LifecycleRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        OrganizationRoutes.register(on: router, reader: reader)
        WorkspaceRoutes.register(on: router, reader: reader)
        KeyRoutes.register(on: router, reader: reader)
        InvitationRoutes.register(on: router, reader: reader)
        SSORoutes.register(on: router, reader: reader)
        RunnerRoutes.register(on: router, reader: reader)
        IntegrationRoutes.register(on: router, reader: reader)
        WorkflowRoutes.register(on: router, reader: reader)
    }

    /// The 404 message of a route under `/workspaces/:id`.
    @Sendable static func workspaceNotFound(_ id: WorkspaceID) -> String { "workspace '\(id)' not found" }
}

extension Router where Context == BasicRequestContext {
    /// `GET path` on the read side: `query` checks the query parameters (a 400 when one is wrong),
    /// `read` finds the view for the path's `:id` in one read-only transaction, and the view is sent
    /// as JSON; a 404 `not_found` saying `notFound(id)` when there is none.
    func get<Kind, Query: Sendable, View: Encodable & Sendable>(
        _ path: RouterPath, from reader: any DatabaseReader, query: @escaping @Sendable (Parameters) throws -> Query,
        notFound: @escaping @Sendable (Identifier<Kind>) -> String, read: @escaping @Sendable (Identifier<Kind>, Query, Database) throws -> View?
    ) {
        get(path) { request, context -> Response in
            let id = Identifier<Kind>(rawValue: try context.parameters.require("id"))
            let parsed = try query(request.uri.queryParameters)
            let view = try await reader.read { db in try read(id, parsed, db) }
            return try JSONResponse.make(view, notFound: notFound(id))
        }
    }

    /// The same for a route without query parameters.
    func get<Kind, View: Encodable & Sendable>(
        _ path: RouterPath, from reader: any DatabaseReader,
        notFound: @escaping @Sendable (Identifier<Kind>) -> String, read: @escaping @Sendable (Identifier<Kind>, Database) throws -> View?
    ) {
        get(path, from: reader, query: { _ in () }, notFound: notFound) { id, _, db in try read(id, db) }
    }
}

extension Parameters {
    /// The query parameter `name` as a value of `Parsed`; nil when absent, a 400 when not one of them.
    func value<Parsed: RawRepresentable<String>>(_ name: String, _ expected: String) throws -> Parsed? {
        guard let text = get(name) else { return nil }
        guard let value = Parsed(rawValue: text) else { throw HTTPError(.badRequest, message: "\(name) must be \(expected)") }
        return value
    }
}
