import Foundation
import GRDB
import Models

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

/// Applies the key events to `api_key`.
enum KeyProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(APIKeyIssued.self) { event, target in
            try APIKeyRecord(
                clientID: event.clientID, secretHash: event.secretHash, workspaceID: event.workspaceID, userID: event.userID,
                scopes: event.scopes.map(\.rawValue).joined(separator: " "), issuerRole: event.issuerRole,
                createdAt: target.time, expiresAt: event.expiresAt, revokedAt: nil
            ).insert(target.db)
        }
        .on(APIKeyRevoked.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE api_key SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
                .execute(arguments: [target.time, event.clientID.rawValue])
        }
}
