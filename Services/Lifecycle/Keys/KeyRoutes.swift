import GRDB
import Hummingbird
import Models
import ServiceKit

/// `GET /workspaces/{id}/api-keys`: a workspace's keys, never their secrets or hashes, paged.
enum KeyRoutes {
    static func register(on router: ReadRouter, reader: any DatabaseReader, pages: PageLimits) {
        router.list("/workspaces/:id/api-keys", "api_keys", from: reader, pages: pages, missing: "workspace") { id, page, db in
            try KeyReads.keys(in: id, page: page, db: db)
        }
    }
}
