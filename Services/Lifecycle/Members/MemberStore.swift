import GRDB
import Models

/// One row of `member`.
struct MemberRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "member"
    var workspaceID: WorkspaceID
    var userID: UserID
    var role: Role

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case role
    }
}

/// The `user` and `member` tables: the state the member rules need, read from them, and the
/// projection of the member events, the only code that writes them. A user belongs to one
/// organization; the same address in another organization is another user.
enum MemberStore {
    // MARK: The state the rules need

    /// A member of the caller's workspace; nil for anyone else, whom callers cannot see.
    static func member(_ userID: UserID, visibleTo principal: Principal, db: Database) throws -> MemberRules.MemberState? {
        guard case .member(let caller) = principal, userID.isWellFormed,
            let record = try MemberRecord.fetchOne(db, key: ["workspace_id": caller.workspaceID.rawValue, "user_id": userID.rawValue])
        else { return nil }
        let owners = try MemberRecord.filter(
            MemberRecord.CodingKeys.workspaceID == caller.workspaceID.rawValue && MemberRecord.CodingKeys.role == Role.owner.rawValue
        ).fetchCount(db)
        let keys = try String.fetchAll(
            db.cachedStatement(sql: "SELECT client_id FROM api_key WHERE workspace_id = ? AND user_id = ? AND revoked_at IS NULL ORDER BY client_id"),
            arguments: [caller.workspaceID.rawValue, userID.rawValue]
        )
        return MemberRules.MemberState(role: record.role, ownerCount: owners, activeKeys: keys.map(ClientID.init(rawValue:)))
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(MemberAdded.self) { event, target in
            // A new user belongs to the organization of the workspace they first join. A user id that
            // is someone else's (another email) is refused, nothing is changed.
            try target.db.cachedStatement(
                sql: """
                    INSERT INTO user (id, email, organization_id) VALUES (?, ?, (SELECT organization_id FROM workspace WHERE id = ?))
                    ON CONFLICT (id) DO NOTHING
                    """
            )
            .execute(arguments: [event.userID.rawValue, event.email, event.workspaceID.rawValue])
            let email = try String.fetchOne(target.db.cachedStatement(sql: "SELECT email FROM user WHERE id = ?"), arguments: [event.userID.rawValue])
            guard email?.lowercased() == event.email.lowercased() else {
                throw Rejection(.alreadyExists, "user id '\(event.userID)' is someone else's; nothing was changed")
            }
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
