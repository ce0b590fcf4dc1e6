import Foundation
import GRDB
import Models

/// A step runner in a workspace's list, and whether it registered; never its token.
struct RunnerView: Codable {
    var runnerID: String
    var name: String
    var platform: String
    var registeredAt: Date?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case runnerID = "runner_id"
        case name, platform
        case registeredAt = "registered_at"
        case createdAt = "created_at"
    }
}

/// The read side's queries over `step_runner`.
enum RunnerReads {
    /// A workspace's runners by name; nil when the workspace is unknown.
    static func runners(in workspace: WorkspaceID, db: Database) throws -> [RunnerView]? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        return try Row.fetchAll(
            db,
            sql: "SELECT id, name, platform, registered_at, created_at FROM step_runner WHERE workspace_id = ? ORDER BY name",
            arguments: [workspace]
        )
        .map {
            RunnerView(runnerID: $0["id"], name: $0["name"], platform: $0["platform"], registeredAt: $0["registered_at"], createdAt: $0["created_at"])
        }
    }
}
