import GRDB
import Models

/// One row of `member`.
struct MemberRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "member"
    var workspaceID: WorkspaceID
    var userID: UserID
    var role: Role

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case workspaceID = "workspace_id", userID = "user_id", role
    }
}

/// Applies the member events to `user` and `member`.
enum MemberProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(MemberAdded.self) { event, target in
            try target.db.cachedStatement(sql: "INSERT OR IGNORE INTO user (id, email) VALUES (?, ?)")
                .execute(arguments: [event.userID.rawValue, event.email])
            try MemberRecord(workspaceID: event.workspaceID, userID: event.userID, role: event.role).upsert(target.db)
        }
        .on(MemberRoleChanged.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE member SET role = ? WHERE workspace_id = ? AND user_id = ?")
                .execute(arguments: [event.role.rawValue, event.workspaceID.rawValue, event.userID.rawValue])
        }
        .on(MemberRemoved.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM member WHERE workspace_id = ? AND user_id = ?")
                .execute(arguments: [event.workspaceID.rawValue, event.userID.rawValue])
        }
}
