import GRDB
import Models

/// A workflow as the read side shows it.
struct WorkflowView: Codable {
    var workflowID: String
    var name: String
    var currentRevisionID: String
    var publishedRevisionID: String?
    var enabled: Bool
    var triggersEnabled: Bool
    var tags: [String]

    init(_ row: Row) throws {
        workflowID = row["id"]
        name = row["name"]
        currentRevisionID = row["current_revision_id"]
        publishedRevisionID = row["published_revision_id"]
        enabled = row["enabled"]
        triggersEnabled = row["triggers_enabled"]
        tags = try JSONCoding.decode([String].self, from: row["tags"])
    }

    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case name
        case currentRevisionID = "current_revision_id"
        case publishedRevisionID = "published_revision_id"
        case enabled
        case triggersEnabled = "triggers_enabled"
        case tags
    }
}

/// One revision of a workflow, with its YAML.
struct RevisionView: Codable {
    var revisionID: String
    var workflowID: String
    var yaml: String

    enum CodingKeys: String, CodingKey {
        case revisionID = "revision_id"
        case workflowID = "workflow_id"
        case yaml
    }
}

/// An execution in a workspace's list.
struct ExecutionView: Codable {
    var executionID: String
    var workflowID: String
    var revisionID: String
    var status: String

    enum CodingKeys: String, CodingKey {
        case executionID = "execution_id"
        case workflowID = "workflow_id"
        case revisionID = "revision_id"
        case status
    }
}

/// The read side's queries over `workflow`, `workflow_revision` and `execution`.
enum WorkflowReads {
    /// A workspace's workflows by name, those whose name contains `nameContaining` (any case) when
    /// given; nil when the workspace is unknown.
    static func workflows(in workspace: WorkspaceID, nameContaining: String?, db: Database) throws -> [WorkflowView]? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let pattern = nameContaining.map { "%\($0.lowercased())%" }
        return try Row.fetchAll(
            db,
            sql: "SELECT * FROM workflow WHERE workspace_id = ? AND (? IS NULL OR name_key LIKE ?) ORDER BY name_key",
            arguments: [workspace, pattern, pattern]
        )
        .map(WorkflowView.init)
    }

    static func workflow(_ id: WorkflowID, db: Database) throws -> WorkflowView? {
        try Row.fetchOne(db, sql: "SELECT * FROM workflow WHERE id = ?", arguments: [id]).map(WorkflowView.init)
    }

    static func revision(_ id: RevisionID, db: Database) throws -> RevisionView? {
        try Row.fetchOne(db, sql: "SELECT id, workflow_id, yaml FROM workflow_revision WHERE id = ?", arguments: [id]).map {
            RevisionView(revisionID: $0["id"], workflowID: $0["workflow_id"], yaml: $0["yaml"])
        }
    }

    /// A workspace's executions, oldest first, all or those with one status; nil when the workspace is unknown.
    static func executions(in workspace: WorkspaceID, status: ExecutionStatus?, db: Database) throws -> [ExecutionView]? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        return try Row.fetchAll(
            db,
            sql:
                "SELECT id, workflow_id, revision_id, status FROM execution WHERE workspace_id = ? AND (? IS NULL OR status = ?) ORDER BY started_at",
            arguments: [workspace, status, status]
        )
        .map { ExecutionView(executionID: $0["id"], workflowID: $0["workflow_id"], revisionID: $0["revision_id"], status: $0["status"]) }
    }
}
