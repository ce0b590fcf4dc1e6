import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// Workflows: `GET /workspaces/{id}/workflows[?name=]`, `GET /workflows/{id}`,
/// `GET /revisions/{id}` (its YAML) and `GET /workspaces/{id}/executions[?status=running]`.
enum WorkflowRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/workflows") { request, context -> Response in
            let id = try context.parameters.require("id")
            let filter = request.uri.queryParameters.get("name").map { "%\($0.lowercased())%" }
            let workflows = try await reader.read { db -> [WorkflowView]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                return try Row.fetchAll(db, sql: "SELECT * FROM workflow WHERE workspace_id = ? AND (? IS NULL OR name_key LIKE ?) ORDER BY name_key", arguments: [id, filter, filter])
                    .map(WorkflowView.init)
            }
            return try JSONResponse.make(workflows.map { ["workflows": $0] }, notFound: "workspace '\(id)' not found")
        }
        router.get("/workflows/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let workflow = try await reader.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM workflow WHERE id = ?", arguments: [id]).map(WorkflowView.init)
            }
            return try JSONResponse.make(workflow, notFound: "workflow '\(id)' not found")
        }
        router.get("/revisions/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let revision = try await reader.read { db in
                try Row.fetchOne(db, sql: "SELECT id, workflow_id, yaml FROM workflow_revision WHERE id = ?", arguments: [id]).map {
                    ["revision_id": $0["id"] as String, "workflow_id": $0["workflow_id"] as String, "yaml": $0["yaml"] as String]
                }
            }
            return try JSONResponse.make(revision, notFound: "revision '\(id)' not found")
        }
        router.get("/workspaces/:id/executions") { request, context -> Response in
            let id = try context.parameters.require("id")
            let status = request.uri.queryParameters.get("status")
            let executions = try await reader.read { db -> [[String: String]]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                return try Row.fetchAll(db, sql: "SELECT id, workflow_id, revision_id, status FROM execution WHERE workspace_id = ? AND (? IS NULL OR status = ?) ORDER BY started_at", arguments: [id, status, status])
                    .map { ["execution_id": $0["id"], "workflow_id": $0["workflow_id"], "revision_id": $0["revision_id"], "status": $0["status"]] }
            }
            return try JSONResponse.make(executions.map { ["executions": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}

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
        case workflowID = "workflow_id", name, currentRevisionID = "current_revision_id", publishedRevisionID = "published_revision_id"
        case enabled, triggersEnabled = "triggers_enabled", tags
    }
}
