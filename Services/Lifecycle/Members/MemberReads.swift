import GRDB
import Models

/// A member in a workspace's view.
struct MemberView: Codable {
    var userID: String
    var email: String
    var role: String

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case email, role
    }
}

/// The read side's queries over `member` and `user`.
enum MemberReads {
    /// A workspace's members with their email addresses, by address.
    static func members(of workspace: WorkspaceID, db: Database) throws -> [MemberView] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT member.user_id, user.email, member.role FROM member JOIN user ON user.id = member.user_id
                WHERE member.workspace_id = ? ORDER BY user.email
                """,
            arguments: [workspace]
        )
        .map { MemberView(userID: $0["user_id"], email: $0["email"], role: $0["role"]) }
    }
}
