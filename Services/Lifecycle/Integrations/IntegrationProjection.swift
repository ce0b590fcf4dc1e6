import Foundation
import GRDB
import Models

/// Applies the integration events to `integration` (secret values are stored apart, by
/// ``SecretStore``), and Sharing's events to `shared_copy`, the copies shared into a workspace.
enum IntegrationProjection {
    /// Sharing's events that add and remove read-only copies of shared integrations.
    static let sharedCopies = MessageTable<ProjectionTarget, Void>()
        .on(ShareAccepted.self) { event, target in
            try target.db.cachedStatement(sql: """
                INSERT OR IGNORE INTO shared_copy (id, share_id, source_integration_id, source_workspace_id, destination_workspace_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    event.copyIntegrationID, event.share.shareID, event.share.integrationID, event.share.sourceWorkspaceID, event.share.destinationWorkspaceID, target.time,
                ])
        }
        .on(ShareRevoked.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM shared_copy WHERE id = ?").execute(arguments: [event.copyIntegrationID])
        }
        .on(ShareRemoved.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM shared_copy WHERE id = ?").execute(arguments: [event.copyIntegrationID])
        }

    static let table = MessageTable<ProjectionTarget, Void>()
        .on(IntegrationCreated.self) { event, target in
            try upsert(event.integration, at: target)
        }
        .on(IntegrationUpdated.self) { event, target in
            try upsert(event.integration, at: target)
        }
        .on(IntegrationDeleted.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM integration WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.integrationID.rawValue, event.workspaceID.rawValue])
            try target.db.cachedStatement(sql: "DELETE FROM shared_copy WHERE source_integration_id = ?").execute(arguments: [event.integrationID])
        }
        .merging(sharedCopies)

    /// OAuth refreshing stopped by a deactivation, or to be reconfigured after a reactivation.
    static func setRefreshState(_ state: RefreshState, of integrations: [IntegrationID], at target: ProjectionTarget) throws {
        for integration in integrations {
            try target.db.cachedStatement(sql: "UPDATE integration SET refresh_state = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [state.rawValue, target.time, integration])
        }
    }

    private static func upsert(_ integration: IntegrationSnapshot, at target: ProjectionTarget) throws {
        try target.db.cachedStatement(sql: """
            INSERT INTO integration (id, workspace_id, kind, vendor, name, name_key, parameters, secret_fields, refresh_state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, vendor = excluded.vendor,
                parameters = excluded.parameters, secret_fields = excluded.secret_fields, refresh_state = excluded.refresh_state,
                updated_at = excluded.updated_at
            """).execute(arguments: [
                integration.integrationID.rawValue, integration.workspaceID.rawValue, integration.kind.rawValue, integration.vendor,
                integration.name, nameKey(integration.name), JSONCoding.encode(integration.parameters), JSONCoding.encode(integration.secretFields),
                integration.refreshState?.rawValue, target.time,
            ])
    }
}
