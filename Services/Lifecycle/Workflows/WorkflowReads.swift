import GRDB
import Models
import ServiceKit

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
    /// Workflows by name, unique in a workspace (`workflow`'s unique key serves the order).
    static let workflowOrder = KeysetOrder("name_key")
    /// Executions oldest first (`execution_by_workspace_started`).
    static let executionOrder = KeysetOrder("started_at", "id")

    /// A page of a workspace's workflows by name, those whose name contains `nameContaining` (any
    /// case) when given; nil when the workspace is unknown.
    static func workflows(in workspace: WorkspaceID, nameContaining: String?, page: PageRequest, db: Database) throws -> Page<WorkflowView>? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let pattern = nameContaining.map { "%\($0.lowercased())%" }
        let after = try workflowOrder.after(page)
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM workflow WHERE workspace_id = ? AND (? IS NULL OR name_key LIKE ?)\(after.sql) ORDER BY \(workflowOrder.orderBy) LIMIT ?",
            arguments: [workspace, pattern, pattern] + after.arguments + [page.fetchLimit]
        )
        return try page.page(rows, order: workflowOrder, WorkflowView.init)
    }

    static func workflow(_ id: WorkflowID, db: Database) throws -> WorkflowView? {
        try Row.fetchOne(db, sql: "SELECT * FROM workflow WHERE id = ?", arguments: [id]).map(WorkflowView.init)
    }

    /// The workspace a workflow belongs to, for its read; nil when there is no such workflow.
    @Sendable static func owner(_ id: WorkflowID, db: Database) throws -> ReadTarget? {
        try WorkspaceID.fetchOne(db, sql: "SELECT workspace_id FROM workflow WHERE id = ?", arguments: [id]).map(ReadTarget.workspace)
    }

    /// The workspace a revision's workflow belongs to; nil when there is no such revision.
    @Sendable static func owner(_ id: RevisionID, db: Database) throws -> ReadTarget? {
        try WorkspaceID.fetchOne(
            db,
            sql:
                "SELECT workflow.workspace_id FROM workflow_revision JOIN workflow ON workflow.id = workflow_revision.workflow_id WHERE workflow_revision.id = ?",
            arguments: [id]
        ).map(ReadTarget.workspace)
    }

    static func revision(_ id: RevisionID, db: Database) throws -> RevisionView? {
        try Row.fetchOne(db, sql: "SELECT id, workflow_id, yaml FROM workflow_revision WHERE id = ?", arguments: [id]).map {
            RevisionView(revisionID: $0["id"], workflowID: $0["workflow_id"], yaml: $0["yaml"])
        }
    }

    /// A page of a workspace's executions, oldest first, all or those with one status; nil when the workspace is unknown.
    static func executions(in workspace: WorkspaceID, status: ExecutionStatus?, page: PageRequest, db: Database) throws -> Page<ExecutionView>? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let after = try executionOrder.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, workflow_id, revision_id, status, started_at FROM execution
                WHERE workspace_id = ? AND (? IS NULL OR status = ?)\(after.sql) ORDER BY \(executionOrder.orderBy) LIMIT ?
                """,
            arguments: [workspace, status, status] + after.arguments + [page.fetchLimit]
        )
        return page.page(rows, order: executionOrder) {
            ExecutionView(executionID: $0["id"], workflowID: $0["workflow_id"], revisionID: $0["revision_id"], status: $0["status"])
        }
    }
}
