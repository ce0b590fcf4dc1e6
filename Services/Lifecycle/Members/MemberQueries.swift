import GRDB
import Models

/// The state the member rules need, read from `member` and the keys of the member.
enum MemberQueries {
    /// A member of the caller's workspace; nil for anyone else, whom callers cannot see.
    static func member(_ userID: UserID, visibleTo principal: Principal, db: Database) throws -> MemberRules.MemberState? {
        guard case .member(let caller) = principal, userID.isWellFormed,
              let record = try MemberRecord.fetchOne(db, key: ["workspace_id": caller.workspaceID.rawValue, "user_id": userID.rawValue])
        else { return nil }
        let owners = try MemberRecord.filter(MemberRecord.CodingKeys.workspaceID == caller.workspaceID.rawValue && MemberRecord.CodingKeys.role == Role.owner.rawValue).fetchCount(db)
        let keys = try String.fetchAll(db.cachedStatement(sql: "SELECT client_id FROM api_key WHERE workspace_id = ? AND user_id = ? AND revoked_at IS NULL ORDER BY client_id"), arguments: [caller.workspaceID.rawValue, userID.rawValue])
        return MemberRules.MemberState(role: record.role, ownerCount: owners, activeKeys: keys.map(ClientID.init(rawValue:)))
    }
}
