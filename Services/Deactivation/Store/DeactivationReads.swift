import Directory
import GRDB
import Models

/// The read side's queries: operations as ``OperationView``s, for the HTTP routes.
enum DeactivationReads {
    /// One operation with its steps; nil when there is none with that id.
    static func operation(_ id: OperationID, db: Database) throws -> OperationView? {
        try operations("id = ?", [id], db: db).first
    }

    /// A workspace's status and its operations, newest first; nil when the workspace is unknown.
    static func workspaceOperations(_ id: WorkspaceID, db: Database) throws -> WorkspaceOperationsView? {
        guard let workspace = try Directory.workspace(id, db: db) else { return nil }
        let operations = try operations("workspace_id = ? ORDER BY started_at DESC, rowid DESC", [id], db: db)
        return WorkspaceOperationsView(workspaceID: id.rawValue, status: workspace.status.rawValue, operations: operations)
    }

    private static func operations(_ condition: String, _ arguments: StatementArguments, db: Database) throws -> [OperationView] {
        try Row.fetchAll(db, sql: "SELECT * FROM operation WHERE " + condition, arguments: arguments).map { row in
            let steps = try Row.fetchAll(
                db,
                sql: "SELECT * FROM operation_step WHERE operation_id = ? ORDER BY step",
                arguments: [row["id"] as String]
            )
            return OperationView(row: row, steps: steps)
        }
    }
}
