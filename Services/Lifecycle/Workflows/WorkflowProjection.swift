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

/// Applies the workflow and execution events to `workflow`, `workflow_revision` and `execution`,
/// and switches workflows off and back on for the workspace sagas (keeping the switches in
/// `deactivated_workflow` meanwhile).
enum WorkflowProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(WorkflowImported.self) { event, target in
            try target.db.cachedStatement(sql: "INSERT INTO workflow (id, workspace_id, name, name_key, current_revision_id, enabled, triggers_enabled, tags, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)")
                .execute(arguments: [event.workflowID.rawValue, event.workspaceID.rawValue, event.name, nameKey(event.name), event.revisionID.rawValue, JSONCoding.encode([String]()), target.time])
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
            try target.db.cachedStatement(sql: "INSERT INTO execution (id, workspace_id, workflow_id, revision_id, status, started_at) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.executionID.rawValue, event.workspaceID.rawValue, event.workflowID.rawValue, event.revisionID.rawValue, ExecutionStatus.running, target.time])
        }
        .on(ExecutionFinished.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE execution SET status = ?, finished_at = ? WHERE id = ?")
                .execute(arguments: [ExecutionStatus(event.outcome), target.time, event.executionID.rawValue])
        }

    /// Turns workflows off, keeping the switches they had for a reactivation.
    static func switchOff(_ workflows: [WorkflowSwitches], in workspace: WorkspaceID, at target: ProjectionTarget) throws {
        for workflow in workflows {
            try target.db.cachedStatement(sql: "INSERT OR IGNORE INTO deactivated_workflow (workflow_id, workspace_id, enabled, triggers_enabled) VALUES (?, ?, ?, ?)")
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
