import Directory
import GRDB

/// Deactivation's own tables, after the directory replica. Shipped migrations are frozen.
enum DeactivationMigrations {
    static func register(_ migrator: inout DatabaseMigrator) {
        DirectoryMigrations.register(&migrator)
        migrator.registerMigration("deactivation.v1") { db in
            try db.create(table: "operation") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("workspace_id", .text).notNull().indexed()
                t.column("organization_id", .text).notNull()
                t.column("requested_by", .text)
                t.column("status", .text).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("finished_at", .datetime)
                t.column("failed_step", .text)
                t.column("failure_reason", .text)
            }
            try db.create(index: "operation_by_status", on: "operation", columns: ["status"])
            try db.create(table: "operation_step") { t in
                t.column("operation_id", .text).notNull().references("operation")
                t.column("step", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("last_requested_at", .datetime).notNull()
                t.column("confirmed_at", .datetime)
                /// The confirming event's payload: what the step did.
                t.column("summary", .blob)
                t.primaryKey(["operation_id", "step"])
            }
        }
        migrator.registerMigration("deactivation.v2: list orders") { db in
            // A workspace's operations are paged newest first along this index.
            try db.create(index: "operation_by_workspace_started", on: "operation", columns: ["workspace_id", "started_at", "id"])
        }
    }
}
