import GRDB
import Hummingbird
import Models

/// `GET /organizations/{id}`: an organization with its features and workspaces.
enum OrganizationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/organizations/:id", from: reader, missing: "organization") { id, db in
            try OrganizationReads.organization(id, db: db)
        }
    }
}
