import GRDB
import Hummingbird
import Models

/// `GET /workspaces/{id}/sso` and `GET /workspaces/{id}/claim-mappings`.
enum SSORoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/sso", from: reader, notFound: { (id: WorkspaceID) in "workspace '\(id)' has no SSO settings" }) { id, db in
            try SSOReads.settings(of: id, db: db)
        }
        router.get("/workspaces/:id/claim-mappings", from: reader, notFound: LifecycleRoutes.workspaceNotFound) { id, db in
            try SSOReads.claimMappings(in: id, db: db).map { ["claim_mappings": $0] }
        }
    }
}
