import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/step-runners`: runners and whether they registered; never tokens.
enum RunnerRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/step-runners") { _, context -> Response in
            let id = WorkspaceID(rawValue: try context.parameters.require("id"))
            let runners = try await reader.read { db in try RunnerReads.runners(in: id, db: db) }
            return try JSONResponse.make(runners.map { ["step_runners": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}
