import GRDB
import Hummingbird
import Models
import ServiceKit

/// Sharing's read side: shares to and from a workspace, requests awaiting its decision, what a
/// deactivation would end, the destinations of one integration, and one share with its history.
enum SharingRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        // ?direction=to|from&kind=step|trigger|secret&status=pending|accepted|...
        router.get("/workspaces/:id/shares") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let filter = try ShareFilter(request.uri.queryParameters)
            let shares = try await reader.read { db in try SharingReads.workspaceShares(id, filter, db: db) }
            return try JSONResponse.make(shares.map { ["shares": $0] }, notFound: "workspace '\(id)' not found")
        }
        router.get("/workspaces/:id/share-requests") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            var filter = try ShareFilter(request.uri.queryParameters)
            (filter.direction, filter.status) = (.to, .pending)
            let pending = filter
            let shares = try await reader.read { db in try SharingReads.workspaceShares(id, pending, db: db) }
            return try JSONResponse.make(shares.map { ["share_requests": $0] }, notFound: "workspace '\(id)' not found")
        }
        router.get("/workspaces/:id/deactivation-preview") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let preview = try await reader.read { db in try SharingReads.deactivationPreview(of: id, db: db) }
            return try JSONResponse.make(preview, notFound: "workspace '\(id)' not found")
        }
        router.get("/integrations/:id/destinations") { _, context -> Response in
            let id = IntegrationID(rawValue: try context.parameters.require("id"))
            let shares = try await reader.read { db in try SharingReads.destinations(of: id, db: db) }
            return try JSONResponse.make(["destinations": shares], notFound: "")
        }
        router.get("/shares/:id") { _, context -> Response in
            let id = ShareID(rawValue: try context.parameters.require("id"))
            let share = try await reader.read { db in try SharingReads.share(id, db: db) }
            return try JSONResponse.make(share, notFound: "share '\(id)' not found")
        }
    }
}

extension ShareFilter {
    /// The list's query parameters, checked.
    init(_ parameters: Parameters) throws {
        func parse<Value: RawRepresentable<String>>(_ name: String, _ expected: String) throws -> Value? {
            guard let text = parameters.get(name) else { return nil }
            guard let value = Value(rawValue: text) else { throw HTTPError(.badRequest, message: "\(name) must be \(expected)") }
            return value
        }
        direction = try parse("direction", "'to' or 'from'")
        kind = try parse("kind", "step, trigger or secret")
        status = try parse("status", "one of \(ShareStatus.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}
