import GRDB
import Models

/// Applies the SSO events to `sso_config` and `claim_mapping`.
enum SSOProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(SSOConfigured.self) { event, target in
            try target.db.cachedStatement(sql: "INSERT OR REPLACE INTO sso_config (workspace_id, entity_id, sso_url, certificate, certificate_sha256, copied_from, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.workspaceID.rawValue, event.entityID, event.ssoURL, event.certificate, event.certificateSHA256, event.copiedFrom?.rawValue, target.time])
        }
        .on(ClaimMappingCreated.self) { event, target in
            try target.db.cachedStatement(sql: "INSERT INTO claim_mapping (id, workspace_id, claim, value, role, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.mappingID.rawValue, event.workspaceID.rawValue, event.claim, event.value, event.role.rawValue, target.time])
        }
        .on(ClaimMappingDeleted.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM claim_mapping WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.mappingID.rawValue, event.workspaceID.rawValue])
        }
}
