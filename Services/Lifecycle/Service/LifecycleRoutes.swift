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

    @Sendable private static func noParameters(_: Parameters) {}
}

extension Parameters {
    /// The query parameter `name` as a value of `Parsed`; nil when absent, a 400 when not one of them.
    func value<Parsed: RawRepresentable<String>>(_ name: String, _ expected: String) throws -> Parsed? {
        guard let text = get(name) else { return nil }
        guard let value = Parsed(rawValue: text) else { throw HTTPError(.badRequest, message: "\(name) must be \(expected)") }
        return value
    }
}
