import Foundation
import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/invitations`: a workspace's invitations with their state, never tokens.
enum InvitationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/invitations") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let now = Date()
            let invitations = try await reader.read { db in try InvitationReads.invitations(in: id, now: now, db: db) }
            return try JSONResponse.make(invitations.map { ["invitations": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
