import GRDB

/// The replica tables. Shipped migrations are frozen; add new ones below.
public enum DirectoryMigrations {
    public static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("directory.v1") { db in
            try db.create(table: "directory_organization") { t in
                t.primaryKey("id", .text)
                /// Space-separated enabled features.
                t.column("features", .text).notNull().defaults(to: "")
            }
            try db.create(table: "directory_workspace") { t in
                t.primaryKey("id", .text)
                t.column("organization_id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("status", .text).notNull()
            }
            try db.create(table: "directory_member") { t in
                t.column("workspace_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("email", .text).notNull()
                t.column("role", .text).notNull()
                t.primaryKey(["workspace_id", "user_id"])
            }
            try db.create(table: "directory_api_key") { t in
                t.primaryKey("client_id", .text)
                t.column("secret_hash", .text).notNull()
                t.column("workspace_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked", .boolean).notNull().defaults(to: false)
            }
        }
    }
}
