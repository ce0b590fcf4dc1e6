import Foundation
import GRDB
import Models
import Testing

@testable import Pipeline
@testable import Sharing

/// Sharing's lean schema (sharing.v3) keeps what was stored: every share's history, in its order.
@Suite("Sharing migrations")
struct SharingMigrationTests {
    @Test func historyMovesToItsShareKeyedTableInOrderAndGrowsFromThere() async throws {
        var migrator = DatabaseMigrator()
        ServiceStore.registerSharedMigrations(&migrator)
        SharingMigrations.register(&migrator)
        let queue = try DatabaseQueue()
        try migrator.migrate(queue, upTo: "sharing.v2: list orders")
        let share = ShareReference(
            shareID: ShareID(rawValue: "shr_1"),
            organizationID: OrganizationID(rawValue: "org_1"),
            integrationID: IntegrationID(rawValue: "int_1"),
            integrationKind: .step,
            integrationName: "Slack",
            sourceWorkspaceID: WorkspaceID(rawValue: "ws_a"),
            destinationWorkspaceID: WorkspaceID(rawValue: "ws_b"),
            requestedBy: UserID(rawValue: "usr_1")
        )
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await queue.write { db in
            // Another share's row between them, as the old table's shared sequence interleaved them.
            try db.execute(
                sql: """
                    INSERT INTO share (id, organization_id, integration_id, integration_kind, integration_name, source_workspace_id,
                        destination_workspace_id, requested_by, requested_at, expires_at, status, updated_at)
                    VALUES ('shr_1', 'org_1', 'int_1', 'step', 'Slack', 'ws_a', 'ws_b', 'usr_1', ?1, ?1, 'accepted', ?1),
                           ('shr_2', 'org_1', 'int_1', 'step', 'Slack', 'ws_a', 'ws_c', 'usr_1', ?1, ?1, 'pending', ?1)
                    """,
                arguments: [start]
            )
            try db.execute(
                sql: """
                    INSERT INTO share_history (share_id, status, "by", automatic, at) VALUES
                        ('shr_1', 'pending', 'usr_1', 0, ?1), ('shr_2', 'pending', 'usr_1', 0, ?1), ('shr_1', 'accepted', 'usr_1', 1, ?1)
                    """,
                arguments: [start]
            )
        }
        try migrator.migrate(queue)
        try await queue.write { db in
            let revoked = ShareRevoked(share: share, copyIntegrationID: IntegrationID(rawValue: "int_copy"), revokedBy: nil, cause: .revokedBySource)
            try SharingProjection.apply(revoked, at: start, db: db)
        }
        let history = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT share_id, status FROM share_history ORDER BY share_id, seq").map {
                "\($0["share_id"] as String) \($0["status"] as String)"
            }
        }
        #expect(history == ["shr_1 pending", "shr_1 accepted", "shr_1 revoked", "shr_2 pending"])
        let indexes = try await queue.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'share'")
        }
        #expect(indexes.isDisjoint(with: ["share_by_source", "share_by_destination", "share_by_status_expiry"]))
        #expect(indexes.contains("share_pending_by_expiry"))
    }
}
