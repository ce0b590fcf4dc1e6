import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /workspaces/{id}/api-keys`: a workspace's keys, never their secrets or hashes.
enum KeyRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/api-keys") { _, context -> Response in
            let id = try context.parameters.require("id")
            let keys = try await reader.read { db -> [KeyView]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                return try APIKeyRecord.filter(APIKeyRecord.CodingKeys.workspaceID == id).order(APIKeyRecord.CodingKeys.createdAt).fetchAll(db).map(KeyView.init)
            }
            return try JSONResponse.make(keys.map { ["api_keys": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}

struct KeyView: Codable {
    var clientID: String
    var userID: String
    var scopes: [String]
    var issuerRole: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?

    init(_ record: APIKeyRecord) {
        clientID = record.clientID.rawValue
        userID = record.userID.rawValue
        scopes = record.scopeSet.map(\.rawValue).sorted()
        issuerRole = record.issuerRole.rawValue
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        revokedAt = record.revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", userID = "user_id", scopes, issuerRole = "issuer_role"
        case createdAt = "created_at", expiresAt = "expires_at", revokedAt = "revoked_at"
    }
}
