import Foundation
import GRDB
import Models

/// One row of `organization`.
struct OrganizationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "organization"
    var id: OrganizationID
    var name: String
    var nameKey: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, nameKey = "name_key", createdAt = "created_at"
    }
}

/// One row of `workspace`.
struct WorkspaceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "workspace"
    var id: WorkspaceID
    var organizationID: OrganizationID
    var name: String
    var nameKey: String
    var status: WorkspaceStatus
    var createdBy: UserID?
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, organizationID = "organization_id", name, nameKey = "name_key", status, createdBy = "created_by", createdAt = "created_at"
    }
}

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

/// One row of `api_key`. Holds the secret's SHA-256, never the secret.
struct APIKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_key"
    var clientID: ClientID
    var secretHash: String
    var workspaceID: WorkspaceID
    var userID: UserID
    /// Space-separated scope names.
    var scopes: String
    var issuerRole: Role
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case clientID = "client_id", secretHash = "secret_hash", workspaceID = "workspace_id", userID = "user_id"
        case scopes, issuerRole = "issuer_role", createdAt = "created_at", expiresAt = "expires_at", revokedAt = "revoked_at"
    }

    var scopeSet: Set<Scope> { Set(scopes.split(separator: " ").map { Scope(rawValue: String($0)) }) }
}

/// One row of `invitation`. `pending` ones past `expiresAt` are expired; nothing needs to update them.
struct InvitationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "invitation"
    var id: InvitationID
    var workspaceID: WorkspaceID
    var email: String
    var role: Role
    var status: InvitationStatus
    var tokenHash: String
    var invitedBy: UserID
    var createdAt: Date
    var expiresAt: Date
    var acceptedBy: UserID?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, workspaceID = "workspace_id", email, role, status, tokenHash = "token_hash", invitedBy = "invited_by"
        case createdAt = "created_at", expiresAt = "expires_at", acceptedBy = "accepted_by"
    }
}

enum InvitationStatus: String, Codable, Sendable {
    case pending, accepted, revoked, replaced
}

/// The key names are compared by: trimmed and case-folded, so `Acme` and `acme ` collide.
func nameKey(_ name: String) -> String {
    name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
}
