import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/step-runners`: runners and whether they registered; never tokens. Paged.
enum RunnerRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.list("/workspaces/:id/step-runners", "step_runners", from: reader, pages: pages, missing: "workspace") { id, page, db in
            try RunnerReads.runners(in: id, page: page, db: db)
        }
    }
}
