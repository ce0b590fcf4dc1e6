import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /organizations/{id}`: an organization with its features and workspaces.
enum OrganizationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/organizations/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let view = try await reader.read { db -> OrganizationView? in
                guard let record = try OrganizationRecord.fetchOne(db, key: id) else { return nil }
                let features = try String.fetchAll(db, sql: "SELECT feature FROM organization_feature WHERE organization_id = ? ORDER BY feature", arguments: [id])
                let workspaces = try WorkspaceRecord.filter(WorkspaceRecord.CodingKeys.organizationID == id).order(WorkspaceRecord.CodingKeys.name).fetchAll(db)
                return OrganizationView(id: record.id.rawValue, name: record.name, features: features, workspaces: workspaces.map { .init(id: $0.id.rawValue, name: $0.name, status: $0.status.rawValue) })
            }
            return try JSONResponse.make(view, notFound: "organization '\(id)' not found")
        }
    }
}

struct OrganizationView: Codable {
    struct Workspace: Codable { var id: String; var name: String; var status: String }
    var id: String
    var name: String
    var features: [String]
    var workspaces: [Workspace]
}
