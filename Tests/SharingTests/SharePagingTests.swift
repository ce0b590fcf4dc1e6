import Directory
import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit
import Testing

@testable import Sharing

/// Sharing's lists read a page at a time: shares to and from a workspace, newest first, merged from
/// the two sides' indexes, met once each while shares are added between pages, filters kept.
@Suite("Sharing list pages")
struct SharePagingTests {
    let store: ServiceStore
    static let home = WorkspaceID(rawValue: "ws_home")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    struct Share {
        var id: String
        var requestedAt: Date
        var incoming: Bool
        var status: ShareStatus
    }

    init() throws {
        store = try ServiceStore(path: nil, migrations: SharingMigrations.register)
        try store.writer.write { db in
            try db.execute(
                sql: "INSERT INTO directory_workspace (id, organization_id, name, status) VALUES ('ws_home', 'org_acme', 'Home', 'active')"
            )
        }
    }

    func insert(_ share: Share, integration: String? = nil) throws {
        let other = "ws_peer\(share.id.dropFirst(4))"
        try store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO share (id, organization_id, integration_id, integration_kind, integration_name, source_workspace_id,
                        destination_workspace_id, requested_by, requested_at, expires_at, status, updated_at)
                    VALUES (?, 'org_acme', ?, 'step', 'Slack', ?, ?, 'usr_ana', ?, ?, ?, ?)
                    """,
                arguments: [
                    share.id, integration ?? "int_\(share.id.dropFirst(4))", share.incoming ? other : Self.home.rawValue,
                    share.incoming ? Self.home.rawValue : other, share.requestedAt, share.requestedAt.addingTimeInterval(86_400), share.status,
                    share.requestedAt,
                ]
            )
        }
    }

    func walk(limit: Int, filter: ShareFilter, query: Parameters, between: () throws -> Void = {}) throws -> [ShareView] {
        var shown: [ShareView] = []
        var cursor: String?
        repeat {
            var parameters = query
            parameters.append(key: "limit", value: Substring(String(limit)))
            if let cursor { parameters.append(key: "cursor", value: Substring(cursor)) }
            let request = try PageRequest(path: "/workspaces/ws_home/shares", parameters: parameters, limits: PageLimits())
            let page = try #require(try store.reader.read { db in try SharingReads.workspaceShares(Self.home, filter, page: request, db: db) })
            #expect(page.items.count <= limit)
            shown += page.items
            cursor = page.nextCursor
            try between()
        } while cursor != nil
        return shown
    }

    @Test func sharesBothWaysAreWalkedOnceNewestFirstWhileOthersAreAdded() throws {
        // Shares from the workspace and into it, five requested in each second.
        let statuses: [ShareStatus] = [.pending, .accepted, .denied, .revoked]
        var shares: [Share] = []
        for index in 0..<250 {
            let share = Share(
                id: String(format: "shr_%03d%@", (index * 37) % 250, index % 2 == 0 ? "a" : "b"),
                requestedAt: Self.start.addingTimeInterval(Double(index / 5)),
                incoming: index % 3 == 0,
                status: statuses[index % 4]
            )
            shares.append(share)
            try insert(share)
        }
        var added = 0
        let shown = try walk(limit: 40, filter: ShareFilter(), query: [:]) {
            // A newer share (before the position: not shown) and an older one (after it: shown).
            added += 1
            try insert(Share(id: "shr_new\(added)a", requestedAt: Self.start.addingTimeInterval(10_000), incoming: true, status: .pending))
            try insert(Share(id: "shr_old\(added)b", requestedAt: Self.start.addingTimeInterval(-Double(added)), incoming: false, status: .pending))
        }
        let newestFirst = shares.sorted { ($0.requestedAt, $0.id) > ($1.requestedAt, $1.id) }.map(\.id)
        let olderAdded = (1..<added).map { "shr_old\($0)b" }
        #expect(shown.map(\.shareID) == newestFirst + olderAdded)
        #expect(shown.allSatisfy { ($0.direction == "to") == ($0.destinationWorkspaceID == Self.home.rawValue) })

        let pendingIn = try walk(limit: 6, filter: ShareFilter(direction: .to, status: .pending), query: ["direction": "to", "status": "pending"])
        let expected = shares.filter { $0.incoming && $0.status == .pending }.sorted { ($0.requestedAt, $0.id) > ($1.requestedAt, $1.id) }.map(\.id)
        #expect(pendingIn.map(\.shareID) == ["shr_new\(added)a"] + (1..<added).reversed().map { "shr_new\($0)a" } + expected)
        #expect(try walk(limit: 9, filter: ShareFilter(direction: .from, kind: .trigger), query: ["direction": "from", "kind": "trigger"]).isEmpty)
    }

    @Test func destinationsOfAnIntegrationAreWalkedByWorkspace() throws {
        for index in 0..<25 {
            try insert(
                Share(id: String(format: "shr_d%02d", index), requestedAt: Self.start, incoming: false, status: index % 5 == 0 ? .denied : .accepted),
                integration: "int_slack"
            )
        }
        var shown: [ShareView] = []
        var cursor: String?
        repeat {
            let parameters: Parameters = cursor.map { ["limit": "4", "cursor": Substring($0)] } ?? ["limit": "4"]
            let request = try PageRequest(path: "/integrations/int_slack/destinations", parameters: parameters, limits: PageLimits())
            let page = try store.reader.read { db in try SharingReads.destinations(of: IntegrationID(rawValue: "int_slack"), page: request, db: db) }
            shown += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(shown.count == 20 && shown.map(\.destinationWorkspaceID) == shown.map(\.destinationWorkspaceID).sorted())
        #expect(Set(shown.map(\.shareID)).count == 20 && shown.allSatisfy { $0.status == "accepted" })
    }

    @Test func eachSideIsReadAlongItsIndex() throws {
        let request = try PageRequest(path: "/p", parameters: ["limit": "5"], limits: PageLimits())
        let plans = try queryPlans { db in
            _ = try SharingReads.workspaceShares(Self.home, ShareFilter(), page: request, db: db)
            _ = try SharingReads.destinations(of: IntegrationID(rawValue: "int_slack"), page: request, db: db)
        }
        .filter { $0.sql.contains("LIMIT") }
        .map(\.plan)
        #expect(plans.count == 2)
        #expect(plans[0].contains("share_by_source_requested") && plans[0].contains("share_by_destination_requested"), "\(plans[0])")
        #expect(plans[1].contains("share_open_once") && !plans[1].contains("TEMP B-TREE"), "\(plans[1])")
    }

    /// With the lean indexes (sharing.v3), every lookup of shares the rules and reads make still
    /// searches an index: none reads all shares, however many are stored.
    @Test func noLookupOfSharesReadsThemAll() throws {
        let integration = IntegrationID(rawValue: "int_slack")
        let plans = try queryPlans { db in
            _ = try SharingQueries.openShares(of: integration, in: Self.home, db: db)
            _ = try SharingQueries.openShares(involving: Self.home, db: db)
            _ = try SharingQueries.dueForExpiry(now: Self.start, limit: 10, db: db)
            _ = try SharingQueries.share(copy: integration, db: db)
            _ = try SharingQueries.share(ShareID(rawValue: "shr_1"), db: db)
            _ = try SharingReads.owner(of: integration, db: db)
        }
        .filter { $0.sql.contains("share") }
        try #require(plans.count == 6, "\(plans.map(\.sql))")
        for (sql, plan) in plans {
            #expect(plan.contains("SEARCH share") && !plan.contains("SCAN share"), "\(sql): \(plan)")
        }
        #expect(plans[0].plan.contains("share_open_once") && plans[5].plan.contains("share_open_once"))
        #expect(plans[1].plan.contains("share_by_source_requested") && plans[1].plan.contains("share_by_destination_requested"))
        #expect(plans[2].plan.contains("share_pending_by_expiry") && !plans[2].plan.contains("TEMP B-TREE"))
    }

    /// The statements `reads` runs, each with SQLite's plan for it.
    private func queryPlans(_ reads: (Database) throws -> Void) throws -> [(sql: String, plan: String)] {
        try store.reader.read { db in
            var statements: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { statements.append(statement.sql) }
            }
            try reads(db)
            db.trace()
            return try statements.map { sql in
                let nulls = StatementArguments([DatabaseValue](repeating: .null, count: sql.filter { $0 == "?" }.count))
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: nulls).map { $0["detail"] as String }
                return (sql, plan.joined(separator: "; "))
            }
        }
    }
}
