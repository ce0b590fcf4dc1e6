import Foundation
import GRDB
import Models
import ServiceKit

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
    /// By name, unique in a workspace (`step_runner`'s unique key serves the order).
    static let order = KeysetOrder("name")

    /// A page of a workspace's runners by name; nil when the workspace is unknown.
    static func runners(in workspace: WorkspaceID, page: PageRequest, db: Database) throws -> Page<RunnerView>? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let after = try order.after(page)
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT id, name, platform, registered_at, created_at FROM step_runner WHERE workspace_id = ?\(after.sql) ORDER BY \(order.orderBy) LIMIT ?",
            arguments: [workspace] + after.arguments + [page.fetchLimit]
        )
        return page.page(rows, order: order) {
            RunnerView(runnerID: $0["id"], name: $0["name"], platform: $0["platform"], registeredAt: $0["registered_at"], createdAt: $0["created_at"])
        }
    }
}
