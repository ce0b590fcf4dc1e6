import Foundation
import GRDB
import Models

/// An API key in a workspace's list: never its secret or hash.
struct KeyView: Codable {
    var clientID: String
    var userID: String
    var scopes: [String]
    var issuerRole: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    /// The key that issued it, whose revocation revokes it too; nil when the operator or an invitation did.
    var issuedBy: String?

    init(_ record: APIKeyRecord) {
        clientID = record.clientID.rawValue
        userID = record.userID.rawValue
        scopes = record.scopeSet.map(\.rawValue).sorted()
        issuerRole = record.issuerRole.rawValue
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        revokedAt = record.revokedAt
        issuedBy = record.issuedBy?.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case userID = "user_id"
        case scopes
        case issuerRole = "issuer_role"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case issuedBy = "issued_by"
    }
}

/// The read side's queries over `api_key`.
enum KeyReads {
    /// A workspace's keys, oldest first; nil when the workspace is unknown.
    static func keys(in workspace: WorkspaceID, db: Database) throws -> [KeyView]? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        return try APIKeyRecord.filter(APIKeyRecord.CodingKeys.workspaceID == workspace.rawValue).order(APIKeyRecord.CodingKeys.createdAt).fetchAll(
            db
        ).map(KeyView.init)
    }
}
