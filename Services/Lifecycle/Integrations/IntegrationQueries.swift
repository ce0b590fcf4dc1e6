import GRDB
import Models

/// The state the integration rules and the workspace sagas need, read from `integration` and
/// `shared_copy`.
enum IntegrationQueries {
    static func integration(_ id: IntegrationID, db: Database) throws -> IntegrationSnapshot? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM integration WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        return try snapshot(row)
    }

    /// An `integration` row as a snapshot; nil for a kind this version does not know.
    static func snapshot(_ row: Row) throws -> IntegrationSnapshot? {
        guard let kind = IntegrationKind(rawValue: row["kind"]) else { return nil }
        return IntegrationSnapshot(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]), integrationID: IntegrationID(rawValue: row["id"]), kind: kind,
            vendor: row["vendor"], name: row["name"],
            parameters: try JSONCoding.decode([String: String].self, from: row["parameters"]),
            secretFields: try JSONCoding.decode([String].self, from: row["secret_fields"]),
            refreshState: (row["refresh_state"] as String?).flatMap(RefreshState.init(rawValue:))
        )
    }

    /// Whether the id names a copy shared into the workspace.
    static func isSharedCopy(_ id: IntegrationID, in workspace: WorkspaceID?, db: Database) throws -> Bool {
        guard let workspace else { return false }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM shared_copy WHERE id = ? AND destination_workspace_id = ?)"), arguments: [id, workspace]) ?? false
    }

    /// Name keys of a workspace's integrations of one kind, leaving one integration out (when renaming it).
    static func names(in workspace: WorkspaceID?, kind: IntegrationKind, except: IntegrationID? = nil, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM integration WHERE workspace_id = ? AND kind = ? AND id != ?"),
                                       arguments: [workspace.rawValue, kind.rawValue, except?.rawValue ?? ""]))
    }

    /// OAuth integrations of the workspace still refreshing, which a deactivation stops.
    static func refreshing(in workspace: WorkspaceID, db: Database) throws -> [IntegrationID] {
        try IntegrationID.fetchAll(db.cachedStatement(sql: "SELECT id FROM integration WHERE workspace_id = ? AND refresh_state = ? ORDER BY id"), arguments: [workspace, RefreshState.active.rawValue])
    }

    /// Every OAuth integration of the workspace, which a reactivation marks for reconfiguration.
    static func oauth(in workspace: WorkspaceID, db: Database) throws -> [IntegrationID] {
        try IntegrationID.fetchAll(db.cachedStatement(sql: "SELECT id FROM integration WHERE workspace_id = ? AND refresh_state IS NOT NULL ORDER BY id"), arguments: [workspace])
    }
}
