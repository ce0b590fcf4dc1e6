import Foundation
import GRDB
import Models
import ServiceKit

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
    /// Oldest first (`api_key_by_workspace_created`).
    static let order = KeysetOrder("created_at", "client_id")

    /// A page of a workspace's keys, oldest first; nil when the workspace is unknown.
    static func keys(in workspace: WorkspaceID, page: PageRequest, db: Database) throws -> Page<KeyView>? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let after = try order.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM api_key WHERE workspace_id = ?\(after.sql) ORDER BY \(order.orderBy) LIMIT ?",
            arguments: [workspace] + after.arguments + [page.fetchLimit]
        )
        return try page.page(rows, order: order) { KeyView(try APIKeyRecord(row: $0)) }
    }
}
