import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// Lifecycle's read side: organizations and workspaces with their members.
enum LifecycleRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        KeyRoutes.register(on: router, reader: reader)
        MemberRoutes.register(on: router, reader: reader)
        SSORoutes.register(on: router, reader: reader)
        RunnerRoutes.register(on: router, reader: reader)
        IntegrationRoutes.register(on: router, reader: reader)
        WorkflowRoutes.register(on: router, reader: reader)
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
        router.get("/workspaces/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let view = try await reader.read { db -> WorkspaceView? in
                guard let record = try WorkspaceRecord.fetchOne(db, key: id) else { return nil }
                let members = try Row.fetchAll(db, sql: """
                    SELECT member.user_id, user.email, member.role FROM member JOIN user ON user.id = member.user_id
                    WHERE member.workspace_id = ? ORDER BY user.email
                    """, arguments: [id])
                return WorkspaceView(
                    id: record.id.rawValue, organizationID: record.organizationID.rawValue, name: record.name, status: record.status.rawValue,
                    members: members.map { .init(userID: $0["user_id"], email: $0["email"], role: $0["role"]) }
                )
            }
            return try JSONResponse.make(view, notFound: "workspace '\(id)' not found")
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

struct WorkspaceView: Codable {
    struct Member: Codable {
        var userID: String
        var email: String
        var role: String
        enum CodingKeys: String, CodingKey { case userID = "user_id", email, role }
    }
    var id: String
    var organizationID: String
    var name: String
    var status: String
    var members: [Member]
    enum CodingKeys: String, CodingKey { case id, organizationID = "organization_id", name, status, members }
}
