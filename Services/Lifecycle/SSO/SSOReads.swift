import GRDB
import Models
import ServiceKit

/// A workspace's IdP settings as the read side shows them.
struct SSOView: Codable {
    var workspaceID: String
    var entityID: String
    var ssoURL: String
    var certificate: String
    var certificateSHA256: String
    var copiedFrom: String?

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case entityID = "entity_id"
        case ssoURL = "sso_url"
        case certificate
        case certificateSHA256 = "certificate_sha256"
        case copiedFrom = "copied_from"
    }
}

/// A claim mapping in a workspace's list.
struct MappingView: Codable {
    var mappingID: String
    var claim: String
    var value: String
    var role: String

    enum CodingKeys: String, CodingKey {
        case mappingID = "mapping_id"
        case claim, value, role
    }
}

/// The read side's queries over `sso_config` and `claim_mapping`.
enum SSOReads {
    /// The workspace's SSO settings; nil when it has none (or is unknown).
    static func settings(of workspace: WorkspaceID, db: Database) throws -> SSOView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sso_config WHERE workspace_id = ?", arguments: [workspace]) else { return nil }
        return SSOView(
            workspaceID: workspace.rawValue,
            entityID: row["entity_id"],
            ssoURL: row["sso_url"],
            certificate: row["certificate"],
            certificateSHA256: row["certificate_sha256"],
            copiedFrom: row["copied_from"]
        )
    }

    /// By claim and value, unique in a workspace (`claim_mapping`'s unique key serves the order).
    static let mappingOrder = KeysetOrder("claim", "value")

    /// A page of a workspace's claim mappings by claim and value; nil when the workspace is unknown.
    static func claimMappings(in workspace: WorkspaceID, page: PageRequest, db: Database) throws -> Page<MappingView>? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let after = try mappingOrder.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, claim, value, role FROM claim_mapping WHERE workspace_id = ?\(after.sql) ORDER BY \(mappingOrder.orderBy) LIMIT ?",
            arguments: [workspace] + after.arguments + [page.fetchLimit]
        )
        return page.page(rows, order: mappingOrder) { MappingView(mappingID: $0["id"], claim: $0["claim"], value: $0["value"], role: $0["role"]) }
    }
}
