import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /workspaces/{id}/sso` and `GET /workspaces/{id}/claim-mappings`.
enum SSORoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/sso") { _, context -> Response in
            let id = try context.parameters.require("id")
            let view = try await reader.read { db -> SSOView? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sso_config WHERE workspace_id = ?", arguments: [id]) else { return nil }
                return SSOView(
                    workspaceID: id, entityID: row["entity_id"], ssoURL: row["sso_url"], certificate: row["certificate"],
                    certificateSHA256: row["certificate_sha256"], copiedFrom: row["copied_from"]
                )
            }
            return try JSONResponse.make(view, notFound: "workspace '\(id)' has no SSO settings")
        }
        router.get("/workspaces/:id/claim-mappings") { _, context -> Response in
            let id = try context.parameters.require("id")
            let mappings = try await reader.read { db -> [MappingView]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                return try Row.fetchAll(db, sql: "SELECT id, claim, value, role FROM claim_mapping WHERE workspace_id = ? ORDER BY claim, value", arguments: [id])
                    .map { MappingView(mappingID: $0["id"], claim: $0["claim"], value: $0["value"], role: $0["role"]) }
            }
            return try JSONResponse.make(mappings.map { ["claim_mappings": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}

struct SSOView: Codable {
    var workspaceID: String
    var entityID: String
    var ssoURL: String
    var certificate: String
    var certificateSHA256: String
    var copiedFrom: String?

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id", entityID = "entity_id", ssoURL = "sso_url", certificate
        case certificateSHA256 = "certificate_sha256", copiedFrom = "copied_from"
    }
}

struct MappingView: Codable {
    var mappingID: String
    var claim: String
    var value: String
    var role: String

    enum CodingKeys: String, CodingKey {
        case mappingID = "mapping_id", claim, value, role
    }
}
