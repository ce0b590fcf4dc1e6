import GRDB
import Models

/// The state the workflow rules and the workspace sagas need, read from `workflow`,
/// `workflow_revision`, `execution` and `deactivated_workflow`.
enum WorkflowQueries {
    static func names(in workspace: WorkspaceID?, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM workflow WHERE workspace_id = ?"), arguments: [workspace.rawValue]))
    }

    static func workflow(_ id: WorkflowID, db: Database) throws -> WorkflowRules.WorkflowState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM workflow WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        let revisions = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM workflow_revision WHERE workflow_id = ?"), arguments: [id.rawValue])
        return WorkflowRules.WorkflowState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]), currentRevision: RevisionID(rawValue: row["current_revision_id"]),
            publishedRevision: (row["published_revision_id"] as String?).map(RevisionID.init(rawValue:)),
            revisions: Set(revisions.map(RevisionID.init(rawValue:))), enabled: row["enabled"], triggersEnabled: row["triggers_enabled"],
            tags: Set(try JSONCoding.decode([String].self, from: row["tags"]))
        )
    }

    static func execution(_ id: ExecutionID, db: Database) throws -> WorkflowRules.ExecutionState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT workspace_id, status FROM execution WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        return WorkflowRules.ExecutionState(workspaceID: WorkspaceID(rawValue: row["workspace_id"]), running: row["status"] as ExecutionStatus? == .running)
    }

    /// Every workflow of the workspace with its switches, which a deactivation turns off.
    static func switches(in workspace: WorkspaceID, db: Database) throws -> [WorkflowSwitches] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT id, name, enabled, triggers_enabled FROM workflow WHERE workspace_id = ? ORDER BY name_key"), arguments: [workspace])
            .map { WorkflowSwitches(workflowID: $0["id"], name: $0["name"], enabled: $0["enabled"], triggersEnabled: $0["triggers_enabled"]) }
    }

    /// The workspace's running executions, which a deactivation stops.
    static func runningExecutions(in workspace: WorkspaceID, db: Database) throws -> [ExecutionID] {
        try ExecutionID.fetchAll(db.cachedStatement(sql: "SELECT id FROM execution WHERE workspace_id = ? AND status = ? ORDER BY started_at, id"), arguments: [workspace, ExecutionStatus.running])
    }

    /// The switches the workflows had before the workspace's deactivation, which a reactivation brings back.
    static func switchesBeforeDeactivation(in workspace: WorkspaceID, db: Database) throws -> [WorkflowSwitches] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT workflow.id, workflow.name, deactivated_workflow.enabled, deactivated_workflow.triggers_enabled
            FROM deactivated_workflow JOIN workflow ON workflow.id = deactivated_workflow.workflow_id
            WHERE deactivated_workflow.workspace_id = ? ORDER BY workflow.name_key
            """), arguments: [workspace])
            .map { WorkflowSwitches(workflowID: $0["id"], name: $0["name"], enabled: $0["enabled"], triggersEnabled: $0["triggers_enabled"]) }
    }
}
