import GRDB
import Hummingbird
import Models
import ServiceKit

/// Workflows: `GET /workspaces/{id}/workflows[?name=]`, `GET /workflows/{id}`,
/// `GET /revisions/{id}` (its YAML) and `GET /workspaces/{id}/executions[?status=running]`; the lists paged.
enum WorkflowRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.list("/workspaces/:id/workflows", "workflows", from: reader, pages: pages, query: nameFilter, missing: "workspace") {
            id,
            name,
            page,
            db in
            try WorkflowReads.workflows(in: id, nameContaining: name, page: page, db: db)
        }
        router.get("/workflows/:id", from: reader, missing: "workflow", target: WorkflowReads.owner) { id, db in
            try WorkflowReads.workflow(id, db: db)
        }
        router.get("/revisions/:id", from: reader, missing: "revision", target: WorkflowReads.owner) { id, db in
            try WorkflowReads.revision(id, db: db)
        }
        router.list("/workspaces/:id/executions", "executions", from: reader, pages: pages, query: status, missing: "workspace") {
            id,
            status,
            page,
            db in
            try WorkflowReads.executions(in: id, status: status, page: page, db: db)
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
