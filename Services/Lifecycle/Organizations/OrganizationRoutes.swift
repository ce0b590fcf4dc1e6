import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /organizations/{id}`: an organization with its features and workspaces, to the operator and
/// to members of its workspaces.
enum OrganizationRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader) {
        router.get("/organizations/:id", from: reader, missing: "organization", target: ReadTarget.organizationPath) { id, db in
            try OrganizationReads.organization(id, db: db)
        }
    }
}
