import Directory
import GRDB

/// Sharing's own tables, after the replica of Lifecycle's directory. Shipped migrations are frozen.
enum SharingMigrations {
    static func register(_ migrator: inout DatabaseMigrator) {
        DirectoryMigrations.register(&migrator)
        migrator.registerMigration("sharing.v1") { db in
            try db.create(table: "sharing_integration") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("vendor", .text).notNull()
                t.column("name", .text).notNull()
            }
            try db.create(table: "share") { t in
                t.primaryKey("id", .text)
                t.column("organization_id", .text).notNull()
                t.column("integration_id", .text).notNull()
                t.column("integration_kind", .text).notNull()
                t.column("integration_name", .text).notNull()
                t.column("source_workspace_id", .text).notNull()
                t.column("destination_workspace_id", .text).notNull()
                t.column("requested_by", .text).notNull()
                t.column("requested_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("status", .text).notNull()
                t.column("copy_integration_id", .text).unique()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "share_by_source", on: "share", columns: ["source_workspace_id", "integration_id"])
            try db.create(index: "share_by_destination", on: "share", columns: ["destination_workspace_id", "status"])
            try db.create(index: "share_by_status_expiry", on: "share", columns: ["status", "expires_at"])
            // The rules refuse a second open share; the index makes it impossible.
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX share_open_once ON share (integration_id, destination_workspace_id)
                    WHERE status IN ('pending', 'accepted')
                    """
            )
            try db.create(table: "share_history") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("share_id", .text).notNull().references("share").indexed()
                t.column("status", .text).notNull()
                t.column("by", .text)
                t.column("automatic", .boolean).notNull().defaults(to: false)
                t.column("cause", .text)
                t.column("reason", .text)
                t.column("at", .datetime).notNull()
            }
        }
        migrator.registerMigration("sharing.v2: list orders") { db in
            // A workspace's shares are paged newest first from each side's index, never sorted whole.
            try db.create(index: "share_by_source_requested", on: "share", columns: ["source_workspace_id", "requested_at", "id"])
            try db.create(index: "share_by_destination_requested", on: "share", columns: ["destination_workspace_id", "requested_at", "id"])
        }
        migrator.registerMigration("sharing.v3: lean indexes") { db in
            // Each index a share write pays for has a query that needs it: a workspace's shares
            // (either side) are found through the two paged-list indexes, an integration's open ones
            // through `share_open_once`, and expiry reads only pending shares. A share's history is
            // stored in its order, keyed by the share, without a second index.
            try db.execute(
                sql: """
                    DROP INDEX share_by_source;
                    DROP INDEX share_by_destination;
                    DROP INDEX share_by_status_expiry;
                    CREATE INDEX share_pending_by_expiry ON share (expires_at) WHERE status = 'pending';
                    CREATE TABLE share_history_v3 (
                        share_id TEXT NOT NULL REFERENCES share (id),
                        seq INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        "by" TEXT,
                        automatic BOOLEAN NOT NULL DEFAULT 0,
                        cause TEXT,
                        reason TEXT,
                        at DATETIME NOT NULL,
                        PRIMARY KEY (share_id, seq)
                    ) WITHOUT ROWID;
                    INSERT INTO share_history_v3 (share_id, seq, status, "by", automatic, cause, reason, at)
                        SELECT share_id, seq, status, "by", automatic, cause, reason, at FROM share_history;
                    DROP TABLE share_history;
                    ALTER TABLE share_history_v3 RENAME TO share_history;
                    """
            )
        }
    }
}
