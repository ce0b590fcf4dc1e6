import GRDB
import Hummingbird
import Models

/// Workflows: `GET /workspaces/{id}/workflows[?name=]`, `GET /workflows/{id}`,
/// `GET /revisions/{id}` (its YAML) and `GET /workspaces/{id}/executions[?status=running]`.
enum WorkflowRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/workflows", from: reader, query: nameFilter, missing: "workspace") { id, name, db in
            try WorkflowReads.workflows(in: id, nameContaining: name, db: db).map { ["workflows": $0] }
        }
        router.get("/workflows/:id", from: reader, missing: "workflow") { id, db in
            try WorkflowReads.workflow(id, db: db)
        }
        router.get("/revisions/:id", from: reader, missing: "revision") { id, db in
            try WorkflowReads.revision(id, db: db)
        }
        router.get("/workspaces/:id/executions", from: reader, query: status, missing: "workspace") { id, status, db in
            try WorkflowReads.executions(in: id, status: status, db: db).map { ["executions": $0] }
        }
    }

    /// The workflows list's `name` parameter: a part of the name to look for.
    @Sendable private static func nameFilter(_ parameters: Parameters) -> String? {
        parameters.get("name")
    }

    /// The executions list's `status` parameter, checked.
    @Sendable private static func status(_ parameters: Parameters) throws -> ExecutionStatus? {
        try parameters.value("status", "running, succeeded, failed or stopped")
    }
}
