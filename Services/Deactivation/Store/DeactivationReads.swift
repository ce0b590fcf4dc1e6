import Directory
import GRDB
import Models
import ServiceKit

/// The read side's queries: operations as ``OperationView``s, for the HTTP routes.
enum DeactivationReads {
    /// One operation with its steps; nil when there is none with that id.
    static func operation(_ id: OperationID, db: Database) throws -> OperationView? {
        try operations("id = ?", [id], db: db).first
    }

    /// Newest first (`operation_by_workspace_started`).
    static let order = KeysetOrder("started_at", "id", descending: true)

    /// A workspace's status and a page of its operations, newest first; nil when the workspace is unknown.
    static func workspaceOperations(_ id: WorkspaceID, page: PageRequest, db: Database) throws -> WorkspaceOperationsView? {
        guard let workspace = try Directory.workspace(id, db: db) else { return nil }
        let after = try order.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM operation WHERE workspace_id = ?\(after.sql) ORDER BY \(order.orderBy) LIMIT ?",
            arguments: [id] + after.arguments + [page.fetchLimit]
        )
        return WorkspaceOperationsView(
            workspaceID: id.rawValue,
            status: workspace.status.rawValue,
            operations: try page.page(rows, order: order) { try view($0, db: db) }
        )
    }

    private static func operations(_ condition: String, _ arguments: StatementArguments, db: Database) throws -> [OperationView] {
        try Row.fetchAll(db, sql: "SELECT * FROM operation WHERE " + condition, arguments: arguments).map { try view($0, db: db) }
    }

    private static func view(_ row: Row, db: Database) throws -> OperationView {
        let steps = try Row.fetchAll(
            db,
            sql: "SELECT * FROM operation_step WHERE operation_id = ? ORDER BY step",
            arguments: [row["id"] as String]
        )
        return OperationView(row: row, steps: steps)
    }
}
