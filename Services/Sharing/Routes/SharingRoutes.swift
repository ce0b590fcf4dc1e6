import GRDB
import Hummingbird
import Models
import ServiceKit

/// Sharing's read side: shares to and from a workspace, requests awaiting its decision, what a
/// deactivation would end, the destinations of one integration, and one share with its history.
/// A member sees their key's workspace, the integrations it owns and the shares it is a side of;
/// anything else answers as an id that does not exist.
enum SharingRoutes {
    /// The lists take `limit` and `cursor` besides their filters, and answer a page (`next_cursor`).
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        // ?direction=to|from&kind=step|trigger|secret&status=pending|accepted|...
        router.get("/workspaces/:id/shares") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let filter = try ShareFilter(request.uri.queryParameters)
            let page = try PageRequest(request, limits: pages)
            let shares =
                try context.mayRead(.workspace(id))
                ? try await reader.read { db in try SharingReads.workspaceShares(id, filter, page: page, db: db) } : nil
            return try JSONResponse.list("shares", shares, notFound: "workspace '\(id)' not found")
        }
        router.get("/workspaces/:id/share-requests") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            var filter = try ShareFilter(request.uri.queryParameters)
            (filter.direction, filter.status) = (.to, .pending)
            let pending = filter
            let page = try PageRequest(request, limits: pages)
            let shares =
                try context.mayRead(.workspace(id))
                ? try await reader.read { db in try SharingReads.workspaceShares(id, pending, page: page, db: db) } : nil
            return try JSONResponse.list("share_requests", shares, notFound: "workspace '\(id)' not found")
        }
        router.get("/workspaces/:id/deactivation-preview") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let preview =
                try context.mayRead(.workspace(id)) ? try await reader.read { db in try SharingReads.deactivationPreview(of: id, db: db) } : nil
            return try JSONResponse.make(preview, notFound: "workspace '\(id)' not found")
        }
        router.get("/integrations/:id/destinations") { request, context -> Response in
            let id = IntegrationID(rawValue: try context.parameters.require("id"))
            let page = try PageRequest(request, limits: pages)
            let shares = try await reader.read { db -> Page<ShareView>? in
                guard let owner = try SharingReads.owner(of: id, db: db), try context.mayRead(.workspace(owner)) else { return nil }
                return try SharingReads.destinations(of: id, page: page, db: db)
            }
            return try JSONResponse.list("destinations", shares, notFound: "integration '\(id)' not found")
        }
        router.get("/shares/:id") { _, context -> Response in
            let id = ShareID(rawValue: try context.parameters.require("id"))
            let share = try await reader.read { db in try SharingReads.share(id, db: db) }
            let shown = try context.visible(share) {
                .workspaces([WorkspaceID(rawValue: $0.sourceWorkspaceID), WorkspaceID(rawValue: $0.destinationWorkspaceID)])
            }
            return try JSONResponse.make(shown, notFound: "share '\(id)' not found")
        }
    }
}

extension ShareFilter {
    /// The list's query parameters, checked.
    init(_ parameters: Parameters) throws {
        direction = try parameters.value("direction", "'to' or 'from'")
        kind = try parameters.value("kind", "step, trigger or secret")
        status = try parameters.value("status", "one of \(ShareStatus.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}
