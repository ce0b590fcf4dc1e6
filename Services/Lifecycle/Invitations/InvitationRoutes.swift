import Foundation
import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/invitations`: a workspace's invitations with their state, never tokens, paged.
enum InvitationRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.list("/workspaces/:id/invitations", "invitations", from: reader, pages: pages, missing: "workspace") { id, page, db in
            try InvitationReads.invitations(in: id, now: Date(), page: page, db: db)
        }
    }
}
