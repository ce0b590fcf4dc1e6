import Foundation
import GRDB
import Models
import Pipeline

/// One row of `api_key`. Holds the key's sealed signing keys, never the secret.
struct APIKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_key"
    var clientID: ClientID
    /// ``SealedSigningKeys/json``: the signing key of each service, sealed to it; nil for keys from before.
    var signingKeys: String?
    var workspaceID: WorkspaceID
    var userID: UserID
    /// Space-separated scope names.
    var scopes: String
    var issuerRole: Role
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    /// The key that issued it; nil for keys issued by the operator, an invitation, or before keys recorded it.
    var issuedBy: ClientID?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case clientID = "client_id"
        case signingKeys = "signing_keys"
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case scopes
        case issuerRole = "issuer_role"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case issuedBy = "issued_by"
    }

    var scopeSet: Set<Scope> { Set(scopes.split(separator: " ").map { Scope(rawValue: String($0)) }) }
}

/// The `api_key` table: the state the key rules, the authenticator and a deactivation need, read
/// from it, and the projection of the key events, the only code that writes it.
enum KeyStore {
    // MARK: The state the rules need

    /// A key with its workspace and its user's membership, for the ``Authenticator``.
    static func storedKey(_ clientID: ClientID, db: Database) throws -> StoredKey? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT api_key.*, workspace.organization_id, workspace.status, member.role
                        FROM api_key JOIN workspace ON workspace.id = api_key.workspace_id
                        LEFT JOIN member ON member.workspace_id = api_key.workspace_id AND member.user_id = api_key.user_id
                        WHERE api_key.client_id = ?
                        """
                ),
                arguments: [clientID.rawValue]
            )
        else { return nil }
        let key = try APIKeyRecord(row: row)
        return StoredKey(
            clientID: key.clientID,
            sealedSigningKeys: SealedSigningKeys(json: key.signingKeys),
            workspaceID: key.workspaceID,
            organizationID: row["organization_id"],
            workspaceStatus: row["status"],
            userID: key.userID,
            role: row["role"],
            scopes: key.scopeSet,
            expiresAt: key.expiresAt,
            revoked: key.revokedAt != nil
        )
    }

    /// A key of the caller's workspace; nil for keys of other workspaces, which callers cannot see.
    static func key(_ clientID: ClientID, visibleTo principal: Principal, db: Database) throws -> KeyRules.KeyState? {
        guard case .member(let caller) = principal, clientID.isWellFormed,
            let record = try APIKeyRecord.fetchOne(db, key: clientID.rawValue), record.workspaceID == caller.workspaceID
        else { return nil }
        return KeyRules.KeyState(userID: record.userID, revoked: record.revokedAt != nil, issued: try issuedKeys(by: clientID, db: db))
    }

    /// The keys not yet revoked that `clientID` issued, and that those issued, in any workspace. The
    /// walk passes through revoked keys, whose own keys may still be live.
    static func issuedKeys(by clientID: ClientID, db: Database) throws -> [KeyRules.IssuedKey] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE issued(client_id) AS (
                        SELECT client_id FROM api_key WHERE issued_by = ?
                        UNION
                        SELECT api_key.client_id FROM api_key JOIN issued ON api_key.issued_by = issued.client_id
                    )
                    SELECT api_key.client_id, api_key.workspace_id, api_key.user_id FROM api_key JOIN issued USING (client_id)
                    WHERE api_key.revoked_at IS NULL ORDER BY api_key.client_id
                    """
            ),
            arguments: [clientID.rawValue]
        )
        .map { KeyRules.IssuedKey(clientID: $0["client_id"], workspaceID: $0["workspace_id"], userID: $0["user_id"]) }
    }

    static func ownerKeyTarget(_ command: IssueOwnerKey, db: Database) throws -> KeyRules.OwnerKeyTarget? {
        guard command.workspaceID.isWellFormed,
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT workspace.status, organization.max_key_lifetime_days
                        FROM workspace JOIN organization ON organization.id = workspace.organization_id WHERE workspace.id = ?
                        """
                ),
                arguments: [command.workspaceID]
            )
        else { return nil }
        let role = try Role.fetchOne(
            db.cachedStatement(sql: "SELECT role FROM member WHERE workspace_id = ? AND user_id = ?"),
            arguments: [command.workspaceID, command.userID]
        )
        let status: WorkspaceStatus = row["status"]
        return KeyRules.OwnerKeyTarget(workspaceActive: status == .active, role: role, maxKeyLifetimeDays: row["max_key_lifetime_days"])
    }

    /// The maximum key lifetime of the organization of the caller's key (the default for the
    /// operator, whom the rule refuses anyway).
    static func maxKeyLifetimeDays(for principal: Principal, db: Database) throws -> Int {
        guard case .member(let caller) = principal else { return KeyLifetime.defaultMaximumDays }
        return try OrganizationStore.maxKeyLifetimeDays(caller.organizationID, db: db) ?? KeyLifetime.defaultMaximumDays
    }

    /// The workspace's keys not yet revoked, which a deactivation revokes.
    static func liveKeys(in workspace: WorkspaceID, db: Database) throws -> [WorkspaceStatusRules.LiveKey] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT client_id, user_id FROM api_key WHERE workspace_id = ? AND revoked_at IS NULL ORDER BY client_id"),
            arguments: [workspace]
        )
        .map { WorkspaceStatusRules.LiveKey(clientID: $0["client_id"], userID: $0["user_id"]) }
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(APIKeyIssued.self) { event, target in
            try APIKeyRecord(
                clientID: event.clientID,
                signingKeys: SealedSigningKeys(event.signingKeys).json,
                workspaceID: event.workspaceID,
                userID: event.userID,
                scopes: event.scopes.map(\.rawValue).joined(separator: " "),
                issuerRole: event.issuerRole,
                createdAt: target.time,
                expiresAt: event.expiresAt,
                revokedAt: nil,
                issuedBy: event.issuedBy
            ).insert(target.db)
        }
        .on(APIKeyRevoked.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE api_key SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
                .execute(arguments: [target.time, event.clientID.rawValue])
        }
}
