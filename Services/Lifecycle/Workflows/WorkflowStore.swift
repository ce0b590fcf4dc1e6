import Foundation
import GRDB
import Models

/// The `status` of an `execution` row: running until it finishes with an outcome, or is stopped
/// by a deactivation.
enum ExecutionStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case running, succeeded, failed, stopped

    init(_ outcome: ExecutionOutcome) {
        switch outcome {
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .stopped: self = .stopped
        }
    }
}

/// The `workflow`, `workflow_revision`, `execution` and `deactivated_workflow` tables: the state the
/// workflow rules and the workspace sagas need, read from them, and the projection of the workflow
/// and execution events, the only code that writes them; it also switches workflows off and back on
/// for the workspace sagas, keeping their switches in `deactivated_workflow` meanwhile.
enum WorkflowStore {
    // MARK: The state the rules need

    static func names(in workspace: WorkspaceID?, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(
            try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM workflow WHERE workspace_id = ?"), arguments: [workspace.rawValue])
        )
    }

    static func workflow(_ id: WorkflowID, db: Database) throws -> WorkflowRules.WorkflowState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM workflow WHERE id = ?"), arguments: [id.rawValue])
        else { return nil }
        let revisions = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM workflow_revision WHERE workflow_id = ?"),
            arguments: [id.rawValue]
        )
        return WorkflowRules.WorkflowState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]),
            currentRevision: RevisionID(rawValue: row["current_revision_id"]),
            publishedRevision: (row["published_revision_id"] as String?).map(RevisionID.init(rawValue:)),
            revisions: Set(revisions.map(RevisionID.init(rawValue:))),
            enabled: row["enabled"],
            triggersEnabled: row["triggers_enabled"],
            tags: Set(try JSONCoding.decode([String].self, from: row["tags"]))
        )
    }

    static func execution(_ id: ExecutionID, db: Database) throws -> WorkflowRules.ExecutionState? {
        guard id.isWellFormed,
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT workspace_id, status FROM execution WHERE id = ?"), arguments: [id.rawValue])
        else { return nil }
        return WorkflowRules.ExecutionState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]),
            running: row["status"] as ExecutionStatus? == .running
        )
    }

    /// Every workflow of the workspace with its switches, which a deactivation turns off.
    static func switches(in workspace: WorkspaceID, db: Database) throws -> [WorkflowSwitches] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, name, enabled, triggers_enabled FROM workflow WHERE workspace_id = ? ORDER BY name_key"),
            arguments: [workspace]
        )
        .map { WorkflowSwitches(workflowID: $0["id"], name: $0["name"], enabled: $0["enabled"], triggersEnabled: $0["triggers_enabled"]) }
    }

    /// The workspace's running executions, which a deactivation stops.
    static func runningExecutions(in workspace: WorkspaceID, db: Database) throws -> [ExecutionID] {
        try ExecutionID.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM execution WHERE workspace_id = ? AND status = ? ORDER BY started_at, id"),
            arguments: [workspace, ExecutionStatus.running]
        )
    }

    /// The switches the workflows had before the workspace's deactivation, which a reactivation brings back.
    static func switchesBeforeDeactivation(in workspace: WorkspaceID, db: Database) throws -> [WorkflowSwitches] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT workflow.id, workflow.name, deactivated_workflow.enabled, deactivated_workflow.triggers_enabled
                    FROM deactivated_workflow JOIN workflow ON workflow.id = deactivated_workflow.workflow_id
                    WHERE deactivated_workflow.workspace_id = ? ORDER BY workflow.name_key
                    """
            ),
            arguments: [workspace]
        )
        .map { WorkflowSwitches(workflowID: $0["id"], name: $0["name"], enabled: $0["enabled"], triggersEnabled: $0["triggers_enabled"]) }
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(WorkflowImported.self) { event, target in
            try target.db.cachedStatement(
                sql:
                    "INSERT INTO workflow (id, workspace_id, name, name_key, current_revision_id, enabled, triggers_enabled, tags, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)"
            )
            .execute(arguments: [
                event.workflowID.rawValue, event.workspaceID.rawValue, event.name, nameKey(event.name), event.revisionID.rawValue,
                JSONCoding.encode([String]()), target.time,
            ])
            try target.db.cachedStatement(sql: "INSERT INTO workflow_revision (id, workflow_id, yaml, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [event.revisionID.rawValue, event.workflowID.rawValue, event.yaml, target.time])
        }
        .on(WorkflowRevised.self) { event, target in
            try target.db.cachedStatement(sql: "INSERT INTO workflow_revision (id, workflow_id, yaml, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [event.revisionID.rawValue, event.workflowID.rawValue, event.yaml, target.time])
            try target.db.cachedStatement(sql: "UPDATE workflow SET current_revision_id = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [event.revisionID.rawValue, target.time, event.workflowID.rawValue])
        }
        .on(WorkflowPublished.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE workflow SET published_revision_id = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [event.revisionID.rawValue, target.time, event.workflowID.rawValue])
        }
        .on(WorkflowEnablementChanged.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE workflow SET enabled = ?, triggers_enabled = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [event.enabled, event.triggersEnabled, target.time, event.workflowID.rawValue])
        }
        .on(WorkflowTagsChanged.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE workflow SET tags = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [JSONCoding.encode(event.tags), target.time, event.workflowID.rawValue])
        }
        .on(ExecutionStarted.self) { event, target in
            try target.db.cachedStatement(
                sql: "INSERT INTO execution (id, workspace_id, workflow_id, revision_id, status, started_at) VALUES (?, ?, ?, ?, ?, ?)"
            )
            .execute(arguments: [
                event.executionID.rawValue, event.workspaceID.rawValue, event.workflowID.rawValue, event.revisionID.rawValue, ExecutionStatus.running,
                target.time,
            ])
        }
        .on(ExecutionFinished.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE execution SET status = ?, finished_at = ? WHERE id = ?")
                .execute(arguments: [ExecutionStatus(event.outcome), target.time, event.executionID.rawValue])
        }

    /// Turns workflows off, keeping the switches they had for a reactivation.
    static func switchOff(_ workflows: [WorkflowSwitches], in workspace: WorkspaceID, at target: ProjectionTarget) throws {
        for workflow in workflows {
            try target.db.cachedStatement(
                sql: "INSERT OR IGNORE INTO deactivated_workflow (workflow_id, workspace_id, enabled, triggers_enabled) VALUES (?, ?, ?, ?)"
            )
            .execute(arguments: [workflow.workflowID, workspace, workflow.enabled, workflow.triggersEnabled])
            try target.db.cachedStatement(sql: "UPDATE workflow SET enabled = 0, triggers_enabled = 0, updated_at = ? WHERE id = ?")
                .execute(arguments: [target.time, workflow.workflowID])
        }
    }

    static func stop(_ executions: [ExecutionID], at target: ProjectionTarget) throws {
        for execution in executions {
            try target.db.cachedStatement(sql: "UPDATE execution SET status = ?, finished_at = ? WHERE id = ?")
                .execute(arguments: [ExecutionStatus.stopped, target.time, execution])
        }
    }

    /// Brings back each workflow's `enabled` switch with its triggers off, and forgets the kept switches.
    static func restore(_ workflowsBefore: [WorkflowSwitches], in workspace: WorkspaceID, at target: ProjectionTarget) throws {
        for workflow in workflowsBefore {
            try target.db.cachedStatement(sql: "UPDATE workflow SET enabled = ?, triggers_enabled = 0, updated_at = ? WHERE id = ?")
                .execute(arguments: [workflow.enabled, target.time, workflow.workflowID])
        }
        try target.db.cachedStatement(sql: "DELETE FROM deactivated_workflow WHERE workspace_id = ?").execute(arguments: [workspace])
    }
}
