import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /workspaces/{id}`: a workspace with its members.
enum WorkspaceRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
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
