import GRDB
import Hummingbird
import Models
import ServiceKit

/// Workflows: `GET /workspaces/{id}/workflows[?name=]`, `GET /workflows/{id}`,
/// `GET /revisions/{id}` (its YAML) and `GET /workspaces/{id}/executions[?status=running]`.
enum WorkflowRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/workflows") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let name = request.uri.queryParameters.get("name")
            let workflows = try await reader.read { db in try WorkflowReads.workflows(in: id, nameContaining: name, db: db) }
            return try JSONResponse.make(workflows.map { ["workflows": $0] }, notFound: "workspace '\(id)' not found")
        }
        router.get("/workflows/:id") { _, context -> Response in
            let id = WorkflowID(rawValue: try context.parameters.require("id"))
            let workflow = try await reader.read { db in try WorkflowReads.workflow(id, db: db) }
            return try JSONResponse.make(workflow, notFound: "workflow '\(id)' not found")
        }
        router.get("/revisions/:id") { _, context -> Response in
            let id = RevisionID(rawValue: try context.parameters.require("id"))
            let revision = try await reader.read { db in try WorkflowReads.revision(id, db: db) }
            return try JSONResponse.make(revision, notFound: "revision '\(id)' not found")
        }
        router.get("/workspaces/:id/executions") { request, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let status: ExecutionStatus? = try request.uri.queryParameters.value("status", "running, succeeded, failed or stopped")
            let executions = try await reader.read { db in try WorkflowReads.executions(in: id, status: status, db: db) }
            return try JSONResponse.make(executions.map { ["executions": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
