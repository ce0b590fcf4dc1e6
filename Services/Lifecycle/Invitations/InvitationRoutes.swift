import Foundation
import GRDB
import Hummingbird
import Models

/// `GET /workspaces/{id}/invitations`: a workspace's invitations with their state, never tokens.
enum InvitationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/invitations", from: reader, missing: "workspace") { id, db in
            try InvitationReads.invitations(in: id, now: Date(), db: db).map { ["invitations": $0] }
        }
    }
}
