import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /workspaces/{id}/step-runners`: runners and whether they registered; never tokens.
enum RunnerRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/step-runners") { _, context -> Response in
            let id = try context.parameters.require("id")
            let runners = try await reader.read { db -> [RunnerView]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                return try Row.fetchAll(db, sql: "SELECT id, name, platform, registered_at, created_at FROM step_runner WHERE workspace_id = ? ORDER BY name", arguments: [id])
                    .map { RunnerView(runnerID: $0["id"], name: $0["name"], platform: $0["platform"], registeredAt: $0["registered_at"], createdAt: $0["created_at"]) }
            }
            return try JSONResponse.make(runners.map { ["step_runners": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}

struct RunnerView: Codable {
    var runnerID: String
    var name: String
    var platform: String
    var registeredAt: Date?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case runnerID = "runner_id", name, platform, registeredAt = "registered_at", createdAt = "created_at"
    }
}
