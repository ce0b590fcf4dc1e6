import GRDB
import Hummingbird
import Models

/// `GET /workspaces/{id}/api-keys`: a workspace's keys, never their secrets or hashes.
enum KeyRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/api-keys", from: reader, missing: "workspace") { id, db in
            try KeyReads.keys(in: id, db: db).map { ["api_keys": $0] }
        }
    }
}
