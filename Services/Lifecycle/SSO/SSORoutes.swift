import GRDB
import Hummingbird
import Models

/// `GET /workspaces/{id}/sso` and `GET /workspaces/{id}/claim-mappings`.
enum SSORoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/sso", from: reader, missing: "SSO settings of workspace") { id, db in
            try SSOReads.settings(of: id, db: db)
        }
        router.get("/workspaces/:id/claim-mappings", from: reader, missing: "workspace") { id, db in
            try SSOReads.claimMappings(in: id, db: db).map { ["claim_mappings": $0] }
        }
    }
}
