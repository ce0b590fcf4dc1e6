import GRDB
import Models
import Pipeline

/// The state the key rules, the authenticator and a deactivation need, read from `api_key`.
enum KeyQueries {
    /// A key with its workspace and its user's membership, for the ``Authenticator``.
    static func storedKey(_ clientID: ClientID, db: Database) throws -> StoredKey? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT api_key.*, workspace.organization_id, workspace.status, member.role
            FROM api_key JOIN workspace ON workspace.id = api_key.workspace_id
            LEFT JOIN member ON member.workspace_id = api_key.workspace_id AND member.user_id = api_key.user_id
            WHERE api_key.client_id = ?
            """), arguments: [clientID.rawValue])
        else { return nil }
        let key = try APIKeyRecord(row: row)
        return StoredKey(
            clientID: key.clientID, secretHash: key.secretHash, workspaceID: key.workspaceID, organizationID: row["organization_id"],
            workspaceStatus: row["status"], userID: key.userID, role: row["role"], scopes: key.scopeSet,
            expiresAt: key.expiresAt, revoked: key.revokedAt != nil
        )
    }

    /// A key of the caller's workspace; nil for keys of other workspaces, which callers cannot see.
    static func key(_ clientID: ClientID, visibleTo principal: Principal, db: Database) throws -> KeyRules.KeyState? {
        guard case .member(let caller) = principal, clientID.isWellFormed,
              let record = try APIKeyRecord.fetchOne(db, key: clientID.rawValue), record.workspaceID == caller.workspaceID
        else { return nil }
        return KeyRules.KeyState(userID: record.userID, revoked: record.revokedAt != nil)
    }

    static func ownerKeyTarget(_ command: IssueOwnerKey, db: Database) throws -> KeyRules.OwnerKeyTarget? {
        guard command.workspaceID.isWellFormed, let status = try WorkspaceStatus.fetchOne(db.cachedStatement(sql: "SELECT status FROM workspace WHERE id = ?"), arguments: [command.workspaceID]) else { return nil }
        let role = try Role.fetchOne(db.cachedStatement(sql: "SELECT role FROM member WHERE workspace_id = ? AND user_id = ?"), arguments: [command.workspaceID, command.userID])
        return KeyRules.OwnerKeyTarget(workspaceActive: status == .active, role: role)
    }

    /// The workspace's keys not yet revoked, which a deactivation revokes.
    static func liveKeys(in workspace: WorkspaceID, db: Database) throws -> [WorkspaceStatusRules.LiveKey] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT client_id, user_id FROM api_key WHERE workspace_id = ? AND revoked_at IS NULL ORDER BY client_id"), arguments: [workspace])
            .map { WorkspaceStatusRules.LiveKey(clientID: $0["client_id"], userID: $0["user_id"]) }
    }
}
