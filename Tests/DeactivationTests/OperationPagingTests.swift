import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit
import Testing

@testable import Deactivation

/// A workspace's operations read a page at a time, newest first, with the workspace's status beside
/// each page and the answer shaped as every list's (`operations`, `next_cursor`).
@Suite("Operation list pages")
struct OperationPagingTests {
    @Test func operationsAreWalkedOnceNewestFirstWithTheWorkspaceStatus() throws {
        let store = try ServiceStore(path: nil, migrations: DeactivationMigrations.register)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try store.writer.write { db in
            try db.execute(
                sql: "INSERT INTO directory_workspace (id, organization_id, name, status) VALUES ('ws_home', 'org_acme', 'Home', 'inactive')"
            )
            for index in 0..<13 {
                let id = String(format: "op_%02d", index)
                // Two operations in each second: the id orders those.
                try db.execute(
                    sql: """
                        INSERT INTO operation (id, kind, workspace_id, organization_id, status, started_at)
                        VALUES (?, 'deactivation', 'ws_home', 'org_acme', 'completed', ?)
                        """,
                    arguments: [id, start.addingTimeInterval(Double(index / 2))]
                )
                try db.execute(
                    sql:
                        "INSERT INTO operation_step (operation_id, step, attempts, last_requested_at, confirmed_at) VALUES (?, 'lifecycle', 1, ?, ?)",
                    arguments: [id, start, start]
                )
            }
        }
        var shown: [String] = []
        var cursor: String?
        repeat {
            let parameters: Parameters = cursor.map { ["limit": "5", "cursor": Substring($0)] } ?? ["limit": "5"]
            let request = try PageRequest(path: "/workspaces/ws_home/operations", parameters: parameters, limits: PageLimits())
            let view = try #require(
                try store.reader.read { db in try DeactivationReads.workspaceOperations(WorkspaceID(rawValue: "ws_home"), page: request, db: db) }
            )
            let body = try #require(try JSONSerialization.jsonObject(with: JSONCoding.encode(view)) as? [String: Any])
            #expect(body["workspace_id"] as? String == "ws_home" && body["status"] as? String == "inactive")
            let operations = try #require(body["operations"] as? [[String: Any]])
            #expect(operations.allSatisfy { ($0["steps"] as? [[String: Any]])?.count == 1 })
            shown += operations.compactMap { $0["operation_id"] as? String }
            cursor = body["next_cursor"] as? String
            #expect(body.keys.contains("next_cursor"))
        } while cursor != nil
        #expect(shown == (0..<13).reversed().map { String(format: "op_%02d", $0) })
    }
}
