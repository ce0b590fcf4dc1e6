import Directory
import GRDB

/// Notifications' own tables, after the directory replica. Shipped migrations are frozen.
enum NotificationMigrations {
    static func register(_ migrator: inout DatabaseMigrator) {
        DirectoryMigrations.register(&migrator)
        migrator.registerMigration("notifications.v1") { db in
            try db.create(table: "notification") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("workspace_id", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("text", .text).notNull()
                t.column("html", .text).notNull()
                t.column("cause_event_id", .text).notNull()
                t.column("cause_event_type", .text).notNull()
                t.column("message_id", .text).notNull()
                /// pending, sent, failed or not_sent.
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("last_error", .text)
                t.column("created_at", .datetime).notNull()
                t.column("settled_at", .datetime)
            }
            try db.create(index: "notification_due", on: "notification", columns: ["status", "next_attempt_at"])
            try db.create(index: "notification_by_workspace", on: "notification", columns: ["workspace_id", "created_at"])
        }
        migrator.registerMigration("notifications.v2: invitation tokens") { db in
            // What an invitation email's token is made from; the token itself is never stored.
            try db.alter(table: "notification") { t in
                t.add(column: "invitation_id", .text)
                t.add(column: "token_nonce", .text)
            }
        }
        migrator.registerMigration("notifications.v3: list orders") { db in
            // A workspace's notifications are paged newest first along this index, which replaces the one without the id.
            try db.create(index: "notification_by_workspace_created", on: "notification", columns: ["workspace_id", "created_at", "id"])
            try db.drop(index: "notification_by_workspace")
        }
        migrator.registerMigration("notifications.v4: trace context") { db in
            // The trace of the event an email is about, so that sending it continues that trace.
            try db.alter(table: "notification") { t in
                t.add(column: "traceparent", .text)
                t.add(column: "tracestate", .text)
            }
        }
    }
}
