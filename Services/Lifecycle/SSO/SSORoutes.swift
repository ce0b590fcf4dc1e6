import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/sso` and `GET /workspaces/{id}/claim-mappings`.
enum SSORoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.get("/workspaces/:id/sso", from: reader, missing: "SSO settings of workspace", target: ReadTarget.workspacePath) { id, db in
            try SSOReads.settings(of: id, db: db)
        }
        router.list("/workspaces/:id/claim-mappings", "claim_mappings", from: reader, pages: pages, missing: "workspace") { id, page, db in
            try SSOReads.claimMappings(in: id, page: page, db: db)
        }
    }
}
