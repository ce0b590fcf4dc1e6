import GRDB
import Models

/// The `sso_config` and `claim_mapping` tables: the state the SSO rules need, read from them, and
/// the projection of the SSO events, the only code that writes them.
enum SSOStore {
    // MARK: The state the rules need

    static func settings(_ workspace: WorkspaceID, db: Database) throws -> SSORules.Settings? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM sso_config WHERE workspace_id = ?"), arguments: [workspace.rawValue]).map {
            SSORules.Settings(
                entityID: $0["entity_id"],
                ssoURL: $0["sso_url"],
                certificate: $0["certificate"],
                certificateSHA256: $0["certificate_sha256"]
            )
        }
    }

    static func claimMappings(_ workspace: WorkspaceID, db: Database) throws -> [SSORules.Mapping] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT claim, value, role FROM claim_mapping WHERE workspace_id = ? ORDER BY claim, value"),
            arguments: [workspace.rawValue]
        ).compactMap { row in
            Role(rawValue: row["role"]).map { SSORules.Mapping(claim: row["claim"], value: row["value"], role: $0) }
        }
    }

    /// Another workspace as the caller sees it when copying its settings; nil when there is none.
    static func copySource(_ source: WorkspaceID, for principal: Principal, db: Database) throws -> SSORules.CopySource? {
        guard case .member(let caller) = principal, source.isWellFormed, let workspace = try WorkspaceRecord.fetchOne(db, key: source.rawValue) else {
            return nil
        }
        let role = try MemberRecord.fetchOne(db, key: ["workspace_id": source.rawValue, "user_id": caller.userID.rawValue])?.role
        return SSORules.CopySource(organizationID: workspace.organizationID, callerRole: role, settings: try settings(source, db: db))
    }

    static func claimMappingExists(_ id: ClaimMappingID, in workspace: WorkspaceID?, db: Database) throws -> Bool {
        guard let workspace else { return false }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM claim_mapping WHERE id = ? AND workspace_id = ?)"),
            arguments: [id.rawValue, workspace.rawValue]
        ) ?? false
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(SSOConfigured.self) { event, target in
            try target.db.cachedStatement(
                sql:
                    "INSERT OR REPLACE INTO sso_config (workspace_id, entity_id, sso_url, certificate, certificate_sha256, copied_from, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            .execute(arguments: [
                event.workspaceID.rawValue, event.entityID, event.ssoURL, event.certificate, event.certificateSHA256, event.copiedFrom?.rawValue,
                target.time,
            ])
        }
        .on(ClaimMappingCreated.self) { event, target in
            try target.db.cachedStatement(
                sql: "INSERT INTO claim_mapping (id, workspace_id, claim, value, role, created_at) VALUES (?, ?, ?, ?, ?, ?)"
            )
            .execute(arguments: [event.mappingID.rawValue, event.workspaceID.rawValue, event.claim, event.value, event.role.rawValue, target.time])
        }
        .on(ClaimMappingDeleted.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM claim_mapping WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.mappingID.rawValue, event.workspaceID.rawValue])
        }
}
