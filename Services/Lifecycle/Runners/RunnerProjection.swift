import GRDB
import Models

/// Applies the step-runner events to `step_runner`.
enum RunnerProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(StepRunnerCreated.self) { event, target in
            try target.db.cachedStatement(sql: "INSERT INTO step_runner (id, workspace_id, name, platform, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.runnerID.rawValue, event.workspaceID.rawValue, event.name, event.platform.rawValue, event.tokenHash, event.createdBy.rawValue, target.time])
        }
        .on(StepRunnerRegistered.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE step_runner SET registered_at = ? WHERE id = ?").execute(arguments: [target.time, event.runnerID.rawValue])
        }
        .on(StepRunnerDeleted.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM step_runner WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.runnerID.rawValue, event.workspaceID.rawValue])
        }
}
