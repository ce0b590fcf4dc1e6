import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit
import Testing

@testable import Lifecycle

/// Lifecycle's lists read a page at a time: a walk meets every row that was there exactly once, in
/// the list's order, while rows are added between pages; filters hold on every page; and each
/// page is read along an index, without sorting the workspace's rows.
@Suite("Lifecycle list pages")
struct ListPagingTests {
    let store: ServiceStore
    static let home = WorkspaceID(rawValue: "ws_home")
    static let other = WorkspaceID(rawValue: "ws_other")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        store = try ServiceStore(path: nil, migrations: LifecycleMigrations.register)
        try store.writer.write { db in
            try db.execute(
                sql: "INSERT INTO organization (id, name, name_key, created_at) VALUES ('org_acme', 'Acme', 'acme', ?)",
                arguments: [Self.start]
            )
            for workspace in [Self.home, Self.other] {
                try db.execute(
                    sql: "INSERT INTO workspace (id, organization_id, name, name_key, status, created_at) VALUES (?, 'org_acme', ?, ?, 'active', ?)",
                    arguments: [workspace, workspace.rawValue, workspace.rawValue, Self.start]
                )
            }
        }
    }

    /// Reads pages of `limit` until the last, calling `between` after each; returns every item read.
    func walk<Item>(
        _ path: String,
        limit: Int,
        filters: [(Substring, Substring)] = [],
        between: (Int) throws -> Void = { _ in },
        read: (PageRequest, Database) throws -> Page<Item>?
    ) throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        var pages = 0
        repeat {
            var parameters = Parameters(filters.map { (key: $0.0, value: $0.1) })
            parameters.append(key: "limit", value: Substring(String(limit)))
            if let cursor { parameters.append(key: "cursor", value: Substring(cursor)) }
            let request = try PageRequest(path: path, parameters: parameters, limits: PageLimits())
            let page = try #require(try store.reader.read { db in try read(request, db) })
            #expect(page.items.count <= limit)
            items += page.items
            cursor = page.nextCursor
            pages += 1
            try between(pages)
            #expect(pages < 1_000, "the walk ends")
        } while cursor != nil && pages < 1_000
        return items
    }

    func insertWorkflow(_ name: String, in workspace: WorkspaceID = home) throws -> String {
        let id = "wf_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO workflow (id, workspace_id, name, name_key, current_revision_id, enabled, triggers_enabled, tags, updated_at)
                    VALUES (?, ?, ?, ?, 'rev_1', 1, 1, '[]', ?)
                    """,
                arguments: [id, workspace, name, name.lowercased(), Self.start]
            )
        }
        return id
    }

    @Test func workflowsAreWalkedOnceByNameWhileOthersAreAdded() throws {
        // Names in an order unrelated to insertion; another workspace's workflows are never shown.
        let names = (0..<250).map { String(format: "Flow %03d", ($0 * 97) % 250) }
        for name in names { _ = try insertWorkflow(name) }
        for index in 0..<20 { _ = try insertWorkflow("Flow \(index)", in: Self.other) }

        var later: [String] = []
        let walked = try walk(
            "/workspaces/ws_home/workflows",
            limit: 40,
            between: { page in
                // One before everything read so far, one after: the first is never shown, the second is
                // (but for the one added after the last page).
                _ = try insertWorkflow("Aaa \(page)")
                later.append("Zzz \(page)")
                _ = try insertWorkflow("Zzz \(page)")
            },
            read: { page, db in try WorkflowReads.workflows(in: Self.home, nameContaining: nil, page: page, db: db) }
        )

        #expect(later.count == 7, "250 workflows and those added, 40 a page")
        #expect(Set(walked.map(\.workflowID)).count == walked.count, "no workflow twice")
        #expect(
            walked.map(\.name) == names.sorted() + later.dropLast(),
            "every workflow that was there, in name order, then those added after the position"
        )
    }

    @Test func theNameFilterHoldsOnEveryPage() throws {
        for index in 0..<120 { _ = try insertWorkflow(index % 3 == 0 ? "Triage \(index)" : "Deploy \(index)") }
        let walked = try walk("/workspaces/ws_home/workflows", limit: 7, filters: [("name", "TRI")]) { page, db in
            try WorkflowReads.workflows(in: Self.home, nameContaining: "TRI", page: page, db: db)
        }
        #expect(walked.count == 40 && walked.allSatisfy { $0.name.hasPrefix("Triage") })
        #expect(walked.map(\.name) == walked.map(\.name).sorted { $0.lowercased() < $1.lowercased() })
    }

    @Test func executionsWithEqualStartsAreWalkedOnceOldestFirst() throws {
        let workflow = try insertWorkflow("Runs")
        // Ten executions start in each second: the id orders those.
        func insert(_ index: Int, status: String, at start: Date) throws -> String {
            let id = "exe_" + String(format: "%04d", index) + UUID().uuidString.prefix(8).lowercased()
            try store.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO execution (id, workspace_id, workflow_id, revision_id, status, started_at) VALUES (?, ?, ?, 'rev_1', ?, ?)",
                    arguments: [id, Self.home, workflow, status, start]
                )
            }
            return id
        }
        var expected: [(Date, String)] = []
        for index in 0..<250 {
            let start = Self.start.addingTimeInterval(Double(index / 10))
            let status = index % 2 == 0 ? "running" : "succeeded"
            let id = try insert(index, status: status, at: start)
            if status == "running" { expected.append((start, id)) }
        }
        var extra = 1_000
        let walked = try walk(
            "/workspaces/ws_home/executions",
            limit: 9,
            filters: [("status", "running")],
            between: { _ in
                extra += 1
                _ = try insert(extra, status: "running", at: Self.start.addingTimeInterval(-1))
            },
            read: { page, db in try WorkflowReads.executions(in: Self.home, status: .running, page: page, db: db) }
        )

        #expect(walked.allSatisfy { $0.status == "running" })
        #expect(walked.map(\.executionID) == expected.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1))
    }

    @Test func integrationsAreWalkedOwnThenCopiesWithTheSharedFilter() throws {
        // 30 of its own (every third shared out to `other`), then 20 copies of `other`'s shared in,
        // several under the same name.
        func insertIntegration(_ id: String, in workspace: WorkspaceID, kind: String, name: String) throws {
            try store.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO integration (id, workspace_id, kind, vendor, name, name_key, parameters, secret_fields, updated_at)
                        VALUES (?, ?, ?, 'x', ?, ?, '{}', '[]', ?)
                        """,
                    arguments: [id, workspace, kind, name, name.lowercased(), Self.start]
                )
            }
        }
        func share(_ integration: String, from source: WorkspaceID, to destination: WorkspaceID, copy: String) throws {
            try store.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO shared_copy (id, share_id, source_integration_id, source_workspace_id, destination_workspace_id, created_at)
                        VALUES (?, 'shr_1', ?, ?, ?, ?)
                        """,
                    arguments: [copy, integration, source, destination, Self.start]
                )
            }
        }
        let kinds = ["step", "trigger", "secret"]
        var own: [(kind: String, name: String, id: String)] = []
        for index in 0..<30 {
            let id = String(format: "int_own%02d", index)
            let kind = kinds[index % 3]
            let name = String(format: "Own %02d", (index * 7) % 30)
            try insertIntegration(id, in: Self.home, kind: kind, name: name)
            own.append((kind, name.lowercased(), id))
            if index % 4 == 0 { try share(id, from: Self.home, to: Self.other, copy: String(format: "int_out%02d", index)) }
        }
        // Two source workspaces with integrations of the same kinds and names.
        let third = WorkspaceID(rawValue: "ws_third")
        try store.writer.write { db in
            try db.execute(
                sql:
                    "INSERT INTO workspace (id, organization_id, name, name_key, status, created_at) VALUES (?, 'org_acme', 'third', 'third', 'active', ?)",
                arguments: [third, Self.start]
            )
        }
        var copies: [(kind: String, name: String, id: String)] = []
        for index in 0..<20 {
            let source = String(format: "int_src%02d", index)
            let sourceWorkspace = index < 10 ? Self.other : third
            try insertIntegration(source, in: sourceWorkspace, kind: kinds[index % 2], name: "Theirs \(index % 5)")
            let copy = String(format: "int_cpy%02d", 19 - index)
            try share(source, from: sourceWorkspace, to: Self.home, copy: copy)
            copies.append((kinds[index % 2], "theirs \(index % 5)", copy))
        }
        func sorted(_ items: [(kind: String, name: String, id: String)]) -> [String] {
            items.sorted { ($0.kind, $0.name, $0.id) < ($1.kind, $1.name, $1.id) }.map(\.id)
        }
        func walked(_ shared: IntegrationFilter.Sharing?, limit: Int) throws -> [IntegrationView] {
            let filters: [(Substring, Substring)] = shared.map { [(Substring("shared"), Substring($0.rawValue))] } ?? []
            return try walk("/workspaces/ws_home/integrations", limit: limit, filters: filters) { page, db in
                try IntegrationReads.integrations(in: Self.home, IntegrationFilter(kind: nil, shared: shared), page: page, db: db)
            }
        }

        #expect(try walked(nil, limit: 7).map(\.integration.integrationID.rawValue) == sorted(own) + sorted(copies))
        #expect(
            try walked(nil, limit: 30).map(\.integration.integrationID.rawValue) == sorted(own) + sorted(copies),
            "a page ends at the section's end"
        )
        let sharedOut = try walked(.from, limit: 3)
        #expect(sharedOut.map(\.integration.integrationID.rawValue) == sorted(own.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)))
        #expect(sharedOut.allSatisfy { $0.shared?.direction == .from })
        #expect(try walked(.to, limit: 6).map(\.integration.integrationID.rawValue) == sorted(copies))
        #expect(
            try walked(IntegrationFilter.Sharing.none, limit: 5).map(\.integration.integrationID.rawValue)
                == sorted(own.enumerated().filter { $0.offset % 4 != 0 }.map(\.element))
        )
    }

    @Test func invitationsKeysRunnersAndMappingsAreWalkedOnce() throws {
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO user (id, email, organization_id) VALUES ('usr_ana', 'ana@acme.example', 'org_acme')")
            for index in 0..<25 {
                let at = Self.start.addingTimeInterval(Double(index / 5))
                try db.execute(
                    sql: """
                        INSERT INTO invitation (id, workspace_id, email, role, status, token_hash, invited_by, created_at, expires_at)
                        VALUES (?, ?, ?, 'viewer', 'pending', 'h', 'usr_ana', ?, ?)
                        """,
                    arguments: [String(format: "inv_%02d", index), Self.home, "u\(index)@acme.example", at, at.addingTimeInterval(86_400)]
                )
                try db.execute(
                    sql: """
                        INSERT INTO api_key (client_id, workspace_id, user_id, scopes, issuer_role, created_at)
                        VALUES (?, ?, 'usr_ana', 'workspace.read', 'owner', ?)
                        """,
                    arguments: [String(format: "key_%02d", 24 - index), Self.home, at]
                )
                try db.execute(
                    sql: """
                        INSERT INTO step_runner (id, workspace_id, name, platform, token_hash, created_by, created_at)
                        VALUES (?, ?, ?, 'linux', 'h', 'usr_ana', ?)
                        """,
                    arguments: [String(format: "run_%02d", index), Self.home, String(format: "edge-%02d", (index * 11) % 25), at]
                )
                try db.execute(
                    sql: "INSERT INTO claim_mapping (id, workspace_id, claim, value, role, created_at) VALUES (?, ?, ?, ?, 'viewer', ?)",
                    arguments: [String(format: "map_%02d", index), Self.home, "claim\(index % 3)", "value\(index)", at]
                )
            }
        }
        let now = Self.start
        let invitations = try walk("/workspaces/ws_home/invitations", limit: 4) { page, db in
            try InvitationReads.invitations(in: Self.home, now: now, page: page, db: db)
        }
        // Newest first: by creation time, then id, both descending.
        let newestFirst = (0..<25).sorted { ($0 / 5, $0) > ($1 / 5, $1) }.map { String(format: "inv_%02d", $0) }
        #expect(invitations.map(\.invitationID) == newestFirst)
        let keys = try walk("/workspaces/ws_home/api-keys", limit: 6) { page, db in try KeyReads.keys(in: Self.home, page: page, db: db) }
        #expect(keys.map(\.createdAt) == keys.map(\.createdAt).sorted() && Set(keys.map(\.clientID)).count == 25)
        let runners = try walk("/workspaces/ws_home/step-runners", limit: 8) { page, db in try RunnerReads.runners(in: Self.home, page: page, db: db)
        }
        #expect(runners.map(\.name) == (0..<25).map { String(format: "edge-%02d", $0) })
        let mappings = try walk("/workspaces/ws_home/claim-mappings", limit: 5) { page, db in
            try SSOReads.claimMappings(in: Self.home, page: page, db: db)
        }
        #expect(
            mappings.map { "\($0.claim) \($0.value)" } == mappings.map { "\($0.claim) \($0.value)" }.sorted()
                && Set(mappings.map(\.mappingID)).count == 25
        )
        #expect(
            try store.reader.read { db in
                try KeyReads.keys(
                    in: WorkspaceID(rawValue: "ws_unknown"),
                    page: try PageRequest(path: "/", parameters: [:], limits: PageLimits()),
                    db: db
                )
            } == nil
        )
    }

    @Test func everyPageIsReadAlongAnIndex() throws {
        let first = try PageRequest(path: "/p", parameters: ["limit": "5"], limits: PageLimits())
        let statements = try store.reader.read { db in
            var captured: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { captured.append(statement.sql) }
            }
            // First pages, and later pages (through a cursor of the list's shape).
            for request in try [first, later(["x", "id"]), later(["x"]), later([0, "x", "y"]), later([1, "x", "y", "id"])] {
                _ = try? WorkflowReads.workflows(in: Self.home, nameContaining: nil, page: request, db: db)
                _ = try? WorkflowReads.executions(in: Self.home, status: .running, page: request, db: db)
                _ = try? InvitationReads.invitations(in: Self.home, now: Self.start, page: request, db: db)
                _ = try? KeyReads.keys(in: Self.home, page: request, db: db)
                _ = try? RunnerReads.runners(in: Self.home, page: request, db: db)
                _ = try? SSOReads.claimMappings(in: Self.home, page: request, db: db)
                _ = try? IntegrationReads.integrations(in: Self.home, IntegrationFilter(), page: request, db: db)
            }
            db.trace()
            return captured
        }
        let lists = Set(statements.filter { $0.contains("LIMIT") })
        #expect(lists.count >= 12)
        try store.reader.read { db in
            for sql in lists {
                let nulls = StatementArguments([DatabaseValue](repeating: .null, count: sql.filter { $0 == "?" }.count))
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: nulls).map { $0["detail"] as String }.joined(
                    separator: "; "
                )
                // The copies shared into a workspace are sorted by their source's current name.
                let sortsCopies = sql.contains("shared_copy.destination_workspace_id")
                #expect(sortsCopies || !plan.contains("TEMP B-TREE"), "\(sql)\n-> \(plan)")
                #expect(plan.contains("USING"), "\(sql)\n-> \(plan)")
            }
        }
    }

    /// A request for a later page, with a cursor whose key is `key`, of the list at `/p`.
    func later(_ key: [any DatabaseValueConvertible]) throws -> PageRequest {
        let first = try PageRequest(path: "/p", parameters: ["limit": "1"], limits: PageLimits())
        let cursor = try #require(first.page([0, 1], key: { _ in key.map(\.databaseValue) }).nextCursor)
        return try PageRequest(path: "/p", parameters: ["limit": "5", "cursor": Substring(cursor)], limits: PageLimits())
    }
}
