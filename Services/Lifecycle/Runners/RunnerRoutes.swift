import GRDB
import Hummingbird
import Models

/// `GET /workspaces/{id}/step-runners`: runners and whether they registered; never tokens.
enum RunnerRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/step-runners", from: reader, missing: "workspace") { id, db in
            try RunnerReads.runners(in: id, db: db).map { ["step_runners": $0] }
        }
    }
}
