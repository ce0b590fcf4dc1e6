import GRDB
import Models
import Pipeline

/// Keeps the replica equal to the fold of Lifecycle's identity events and the status changes that
/// Deactivation's sagas announce. Each write is an insert that keeps an existing row, an update of
/// the row's own fields, or a conditional update, so applying an event twice changes nothing and no
/// event replaces a row that belongs to someone else.
public enum DirectoryProjection {
    /// The events the replica is built from (Lifecycle's, and the start of each saga).
    public static let eventTypes: [any Message.Type] = [
        OrganizationCreated.self, OrganizationFeaturesChanged.self, WorkspaceCreated.self,
        MemberAdded.self, MemberRoleChanged.self, MemberRemoved.self, APIKeyIssued.self, APIKeyRevoked.self,
        DeactivationStarted.self, ReactivationStarted.self,
    ]

    /// Applies `event` when it is one of ``eventTypes``; returns whether it was.
    @discardableResult
    public static func apply(_ event: any Message, db: Database) throws -> Bool {
        switch event {
        case let event as OrganizationCreated:
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO directory_organization (id) VALUES (?)").execute(arguments: [event.organizationID])
        case let event as OrganizationFeaturesChanged:
            let features = event.enabled.map(\.rawValue).sorted().joined(separator: " ")
            try db.cachedStatement(
                sql: """
                    INSERT INTO directory_organization (id, features) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET features = excluded.features
                    """
            ).execute(arguments: [event.organizationID, features])
        case let event as WorkspaceCreated:
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO directory_workspace (id, organization_id, name, status) VALUES (?, ?, ?, ?)")
                .execute(arguments: [event.workspaceID, event.organizationID, event.name, WorkspaceStatus.active])
        case let event as MemberAdded:
            // A member row is the workspace's: added again, only its role changes. A user row is the
            // user's: the first email stays, an event naming the id with another never replaces it.
            try db.cachedStatement(
                sql: """
                    INSERT INTO directory_member (workspace_id, user_id, email, role) VALUES (?, ?, ?, ?)
                    ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role
                    """
            ).execute(arguments: [event.workspaceID, event.userID, event.email, event.role])
            try db.cachedStatement(sql: "INSERT INTO directory_user (id, email) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")
                .execute(arguments: [event.userID, event.email])
        case let event as MemberRoleChanged:
            try db.cachedStatement(sql: "UPDATE directory_member SET role = ? WHERE workspace_id = ? AND user_id = ?")
                .execute(arguments: [event.role, event.workspaceID, event.userID])
        case let event as MemberRemoved:
            try db.cachedStatement(sql: "DELETE FROM directory_member WHERE workspace_id = ? AND user_id = ?")
                .execute(arguments: [event.workspaceID, event.userID])
        case let event as APIKeyIssued:
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO directory_api_key (client_id, signing_keys, workspace_id, user_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                event.clientID, SealedSigningKeys(event.signingKeys), event.workspaceID, event.userID,
                event.scopes.map(\.rawValue).joined(separator: " "), event.expiresAt,
            ])
        case let event as APIKeyRevoked:
            try db.cachedStatement(sql: "UPDATE directory_api_key SET revoked = 1 WHERE client_id = ?").execute(arguments: [event.clientID])
        case let event as DeactivationStarted:
            try setStatus(.inactive, of: event.operation.workspaceID, db: db)
        case let event as ReactivationStarted:
            try setStatus(.active, of: event.operation.workspaceID, db: db)
        default:
            return false
        }
        return true
    }

    private static func setStatus(_ status: WorkspaceStatus, of workspace: WorkspaceID, db: Database) throws {
        try db.cachedStatement(sql: "UPDATE directory_workspace SET status = ? WHERE id = ?").execute(arguments: [status, workspace])
    }
}
