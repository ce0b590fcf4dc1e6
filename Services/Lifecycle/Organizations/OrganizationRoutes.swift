import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /organizations/{id}`: an organization with its features and workspaces.
enum OrganizationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/organizations/:id") { _, context -> Response in
            let id = OrganizationID(rawValue: try context.parameters.require("id"))
            let view = try await reader.read { db in try OrganizationReads.organization(id, db: db) }
            return try JSONResponse.make(view, notFound: "organization '\(id)' not found")
        }
    }
}
