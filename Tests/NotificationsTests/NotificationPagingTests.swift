import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit
import Testing

@testable import Notifications

/// A workspace's notifications read a page at a time, newest first, along the workspace's index:
/// each met once while more are recorded between pages, the recipient and status filters kept.
@Suite("Notification list pages")
struct NotificationPagingTests {
    static let home = WorkspaceID(rawValue: "ws_home")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func insert(_ id: String, at time: Date, recipient: String, status: String, in workspace: WorkspaceID = home, store: ServiceStore) throws {
        try store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO notification (id, kind, workspace_id, recipient, subject, text, html, cause_event_id, cause_event_type,
                        message_id, status, attempts, next_attempt_at, created_at)
                    VALUES (?, 'share_requested', ?, ?, 's', 't', 'h', 'evt', 'tenancy.sharing.ShareRequested.v1', ?, ?, 0, ?, ?)
                    """,
                arguments: [id, workspace, recipient, "<\(id)@tenancy>", status, time, time]
            )
        }
    }

    @Test func notificationsAreWalkedOnceNewestFirstWithTheirFilters() throws {
        let store = try ServiceStore(path: nil, migrations: NotificationMigrations.register)
        var expected: [(Date, String)] = []
        for index in 0..<250 {
            let at = Self.start.addingTimeInterval(Double(index / 4))
            let id = String(format: "ntf_%03d", (index * 53) % 250)
            let ana = index % 2 == 0
            let status = index % 3 == 0 ? "failed" : "sent"
            try insert(id, at: at, recipient: ana ? "ana@acme.example" : "bob@acme.example", status: status, store: store)
            if ana && status == "sent" { expected.append((at, id)) }
            try insert("ntf_x\(index)", at: at, recipient: "ana@acme.example", status: "sent", in: WorkspaceID(rawValue: "ws_other"), store: store)
        }
        let filter = NotificationFilter(recipient: "ANA@acme.example", status: .sent)
        var shown: [NotificationView] = []
        var cursor: String?
        var added = 0
        repeat {
            var parameters: Parameters = ["recipient": "ANA@acme.example", "status": "sent", "limit": "11"]
            if let cursor { parameters.append(key: "cursor", value: Substring(cursor)) }
            let request = try PageRequest(path: "/workspaces/ws_home/notifications", parameters: parameters, limits: PageLimits())
            let page = try store.reader.read { db in try NotificationReads.workspaceNotifications(Self.home, filter, page: request, db: db) }
            #expect(page.items.count <= 11)
            shown += page.items
            cursor = page.nextCursor
            // A newer notification arrives: it is before the position, so this walk does not show it.
            added += 1
            try insert("ntf_new\(added)", at: Self.start.addingTimeInterval(1_000), recipient: "ana@acme.example", status: "sent", store: store)
        } while cursor != nil

        #expect(shown.map(\.notificationID) == expected.sorted { $0 > $1 }.map(\.1))
        #expect(shown.allSatisfy { $0.recipient == "ana@acme.example" && $0.status == "sent" && $0.text == nil })

        let plan = try store.reader.read { db in
            var captured: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { captured.append(statement.sql) }
            }
            let request = try PageRequest(path: "/p", parameters: [:], limits: PageLimits())
            _ = try NotificationReads.workspaceNotifications(Self.home, NotificationFilter(), page: request, db: db)
            db.trace()
            let sql = try #require(captured.first { $0.contains("LIMIT") })
            let nulls = StatementArguments([DatabaseValue](repeating: .null, count: sql.filter { $0 == "?" }.count))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: nulls).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("notification_by_workspace_created") && !plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
