import Foundation
import GRDB
import Models

/// The `integration` and `shared_copy` tables: the state the integration rules and the workspace
/// sagas need, read from them, and the projection of the integration events and of Sharing's events
/// about shared copies, the only code that writes them (secret values are stored apart, by
/// ``SecretStore``).
enum IntegrationStore {
    // MARK: The state the rules need

    static func integration(_ id: IntegrationID, db: Database) throws -> IntegrationSnapshot? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM integration WHERE id = ?"), arguments: [id.rawValue])
        else { return nil }
        return try snapshot(row)
    }

    /// An `integration` row as a snapshot; nil for a kind this version does not know.
    static func snapshot(_ row: Row) throws -> IntegrationSnapshot? {
        guard let kind = IntegrationKind(rawValue: row["kind"]) else { return nil }
        return IntegrationSnapshot(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]),
            integrationID: IntegrationID(rawValue: row["id"]),
            kind: kind,
            vendor: row["vendor"],
            name: row["name"],
            parameters: try JSONCoding.decode([String: String].self, from: row["parameters"]),
            secretFields: try JSONCoding.decode([String].self, from: row["secret_fields"]),
            refreshState: (row["refresh_state"] as String?).flatMap(RefreshState.init(rawValue:))
        )
    }

    /// Whether any integration or shared copy, of any workspace, has the id.
    static func exists(_ id: IntegrationID, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM integration WHERE id = ?) OR EXISTS (SELECT 1 FROM shared_copy WHERE id = ?)"),
            arguments: [id.rawValue, id.rawValue]
        ) ?? false
    }

    /// Whether the id names a copy shared into the workspace.
    static func isSharedCopy(_ id: IntegrationID, in workspace: WorkspaceID?, db: Database) throws -> Bool {
        guard let workspace else { return false }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM shared_copy WHERE id = ? AND destination_workspace_id = ?)"),
            arguments: [id, workspace]
        ) ?? false
    }

    /// Name keys of a workspace's integrations of one kind, leaving one integration out (when renaming it).
    static func names(in workspace: WorkspaceID?, kind: IntegrationKind, except: IntegrationID? = nil, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT name_key FROM integration WHERE workspace_id = ? AND kind = ? AND id != ?"),
                arguments: [workspace.rawValue, kind.rawValue, except?.rawValue ?? ""]
            )
        )
    }

    /// OAuth integrations of the workspace still refreshing, which a deactivation stops.
    static func refreshing(in workspace: WorkspaceID, db: Database) throws -> [IntegrationID] {
        try IntegrationID.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM integration WHERE workspace_id = ? AND refresh_state = ? ORDER BY id"),
            arguments: [workspace, RefreshState.active.rawValue]
        )
    }

    /// Every OAuth integration of the workspace, which a reactivation marks for reconfiguration.
    static func oauth(in workspace: WorkspaceID, db: Database) throws -> [IntegrationID] {
        try IntegrationID.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM integration WHERE workspace_id = ? AND refresh_state IS NOT NULL ORDER BY id"),
            arguments: [workspace]
        )
    }

    // MARK: Projection

    /// Sharing's events that add and remove read-only copies of shared integrations.
    static let sharedCopies = MessageTable<ProjectionTarget, Void>()
        .on(ShareAccepted.self) { event, target in
            try target.db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO shared_copy (id, share_id, source_integration_id, source_workspace_id, destination_workspace_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                event.copyIntegrationID, event.share.shareID, event.share.integrationID, event.share.sourceWorkspaceID,
                event.share.destinationWorkspaceID, target.time,
            ])
        }
        .on(ShareRevoked.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM shared_copy WHERE id = ?").execute(arguments: [event.copyIntegrationID])
        }
        .on(ShareRemoved.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM shared_copy WHERE id = ?").execute(arguments: [event.copyIntegrationID])
        }

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(IntegrationCreated.self) { event, target in
            try insert(event.integration, at: target)
        }
        .on(IntegrationUpdated.self) { event, target in
            try update(event.integration, at: target)
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

    /// A new integration: a plain insert, so that an id in use is refused rather than written over.
    private static func insert(_ integration: IntegrationSnapshot, at target: ProjectionTarget) throws {
        try target.db.cachedStatement(
            sql: """
                INSERT INTO integration (id, workspace_id, kind, vendor, name, name_key, parameters, secret_fields, refresh_state, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            integration.integrationID.rawValue, integration.workspaceID.rawValue, integration.kind.rawValue, integration.vendor,
            integration.name, nameKey(integration.name), JSONCoding.encode(integration.parameters), JSONCoding.encode(integration.secretFields),
            integration.refreshState?.rawValue, target.time,
        ])
    }

    /// A changed integration, only in the workspace the event names: never another workspace's row.
    private static func update(_ integration: IntegrationSnapshot, at target: ProjectionTarget) throws {
        try target.db.cachedStatement(
            sql: """
                UPDATE integration SET name = ?, name_key = ?, vendor = ?, parameters = ?, secret_fields = ?, refresh_state = ?, updated_at = ?
                WHERE id = ? AND workspace_id = ?
                """
        ).execute(arguments: [
            integration.name, nameKey(integration.name), integration.vendor, JSONCoding.encode(integration.parameters),
            JSONCoding.encode(integration.secretFields), integration.refreshState?.rawValue, target.time, integration.integrationID.rawValue,
            integration.workspaceID.rawValue,
        ])
        guard target.db.changesCount == 1 else {
            throw Rejection(.notFound, "no integration '\(integration.integrationID)' in workspace '\(integration.workspaceID)'")
        }
    }
}
