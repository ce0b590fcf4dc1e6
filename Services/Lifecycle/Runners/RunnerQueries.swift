import GRDB
import Models

/// The state the step-runner rules need, read from `step_runner`.
enum RunnerQueries {
    static func names(in workspace: WorkspaceID?, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM step_runner WHERE workspace_id = ?"), arguments: [workspace.rawValue]))
    }

    static func runner(_ id: RunnerID, db: Database) throws -> RunnerRules.RunnerState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT step_runner.workspace_id, step_runner.registered_at IS NOT NULL AS registered, step_runner.token_hash, workspace.status
            FROM step_runner JOIN workspace ON workspace.id = step_runner.workspace_id WHERE step_runner.id = ?
            """), arguments: [id.rawValue])
        else { return nil }
        return RunnerRules.RunnerState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]), registered: row["registered"], tokenHash: row["token_hash"],
            workspaceActive: row["status"] == WorkspaceStatus.active.rawValue
        )
    }
}
