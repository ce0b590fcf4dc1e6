import GRDB
import Models

/// The `step_runner` table: the state the step-runner rules need, read from it, and the projection
/// of the step-runner events, the only code that writes it.
enum RunnerStore {
    // MARK: The state the rules need

    static func names(in workspace: WorkspaceID?, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(
            try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM step_runner WHERE workspace_id = ?"), arguments: [workspace.rawValue])
        )
    }

    static func runner(_ id: RunnerID, db: Database) throws -> RunnerRules.RunnerState? {
        guard id.isWellFormed,
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT step_runner.workspace_id, step_runner.registered_at IS NOT NULL AS registered, step_runner.token_hash, workspace.status
                        FROM step_runner JOIN workspace ON workspace.id = step_runner.workspace_id WHERE step_runner.id = ?
                        """
                ),
                arguments: [id.rawValue]
            )
        else { return nil }
        return RunnerRules.RunnerState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]),
            registered: row["registered"],
            tokenHash: row["token_hash"],
            workspaceActive: row["status"] == WorkspaceStatus.active.rawValue
        )
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(StepRunnerCreated.self) { event, target in
            try target.db.cachedStatement(
                sql: "INSERT INTO step_runner (id, workspace_id, name, platform, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            .execute(arguments: [
                event.runnerID.rawValue, event.workspaceID.rawValue, event.name, event.platform.rawValue, event.tokenHash, event.createdBy.rawValue,
                target.time,
            ])
        }
        .on(StepRunnerRegistered.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE step_runner SET registered_at = ? WHERE id = ?").execute(arguments: [
                target.time, event.runnerID.rawValue,
            ])
        }
        .on(StepRunnerDeleted.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM step_runner WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.runnerID.rawValue, event.workspaceID.rawValue])
        }
}
