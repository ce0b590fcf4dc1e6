import Foundation
import GRDB
import Models
import Pipeline

/// A workspace as the replica knows it.
public struct DirectoryWorkspace: Sendable, Hashable {
    public var id: WorkspaceID
    public var organizationID: OrganizationID
    public var name: String
    public var status: WorkspaceStatus

    public init(id: WorkspaceID, organizationID: OrganizationID, name: String, status: WorkspaceStatus) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.status = status
    }
}

/// A workspace member as the replica knows them.
public struct DirectoryMember: Sendable, Hashable {
    public var userID: UserID
    public var email: String
    public var role: Role

    public init(userID: UserID, email: String, role: Role) {
        self.userID = userID
        self.email = email
        self.role = role
    }
}

/// Reads over the replica of Lifecycle's organizations, workspaces, members and API keys, which
/// services other than Lifecycle keep from its events (``DirectoryProjection``).
public enum Directory {
    /// A key with its workspace and its user's membership, for the ``Authenticator``.
    public static func storedKey(_ clientID: ClientID, db: Database) throws -> StoredKey? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT k.*, w.organization_id, w.status, m.role
                        FROM directory_api_key k JOIN directory_workspace w ON w.id = k.workspace_id
                        LEFT JOIN directory_member m ON m.workspace_id = k.workspace_id AND m.user_id = k.user_id
                        WHERE k.client_id = ?
                        """
                ),
                arguments: [clientID]
            )
        else { return nil }
        let scopes: String = row["scopes"]
        return StoredKey(
            clientID: row["client_id"],
            sealedSigningKeys: row["signing_keys"],
            workspaceID: row["workspace_id"],
            organizationID: row["organization_id"],
            workspaceStatus: row["status"],
            userID: row["user_id"],
            role: row["role"],
            scopes: Set(scopes.split(separator: " ").map { Scope(rawValue: String($0)) }),
            expiresAt: row["expires_at"],
            revoked: row["revoked"]
        )
    }

    public static func workspace(_ id: WorkspaceID, db: Database) throws -> DirectoryWorkspace? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM directory_workspace WHERE id = ?"), arguments: [id])
        else { return nil }
        return DirectoryWorkspace(id: row["id"], organizationID: row["organization_id"], name: row["name"], status: row["status"])
    }

    public static func features(of organization: OrganizationID, db: Database) throws -> Set<Feature> {
        let features =
            try String.fetchOne(db.cachedStatement(sql: "SELECT features FROM directory_organization WHERE id = ?"), arguments: [organization]) ?? ""
        return Set(features.split(separator: " ").compactMap { Feature(rawValue: String($0)) })
    }

    /// The user's role in the workspace; nil when they are not a member.
    public static func role(of user: UserID, in workspace: WorkspaceID, db: Database) throws -> Role? {
        try Role.fetchOne(
            db.cachedStatement(sql: "SELECT role FROM directory_member WHERE workspace_id = ? AND user_id = ?"),
            arguments: [workspace, user]
        )
    }

    /// Members of a workspace with the given role, by email.
    public static func members(of workspace: WorkspaceID, role: Role? = nil, db: Database) throws -> [DirectoryMember] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT user_id, email, role FROM directory_member WHERE workspace_id = ? AND (? IS NULL OR role = ?) ORDER BY email
                    """
            ),
            arguments: [workspace, role, role]
        )
        .map { DirectoryMember(userID: $0["user_id"], email: $0["email"], role: $0["role"]) }
    }

    /// A user's address, also after they left every workspace; nil for a user never seen.
    public static func email(of user: UserID, db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT email FROM directory_user WHERE id = ?"), arguments: [user])
    }
}
