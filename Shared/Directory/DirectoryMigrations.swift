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
        migrator.registerMigration("directory.v2: users") { db in
            // Every user's address, kept after they leave a workspace (to tell them about their shares).
            try db.create(table: "directory_user") { t in
                t.primaryKey("id", .text)
                t.column("email", .text).notNull()
            }
            try db.execute(sql: "INSERT OR IGNORE INTO directory_user (id, email) SELECT user_id, email FROM directory_member")
        }
        migrator.registerMigration("directory.v3: signing keys") { db in
            // Commands are signed: a key keeps its signing key of each service, each sealed to that
            // service's key, instead of the secret's hash. A key from before can no longer sign.
            try db.create(table: "directory_api_key_signed") { t in
                t.primaryKey("client_id", .text)
                t.column("signing_keys", .text)
                t.column("workspace_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked", .boolean).notNull().defaults(to: false)
            }
            try db.execute(
                sql: """
                    INSERT INTO directory_api_key_signed (client_id, workspace_id, user_id, scopes, expires_at, revoked)
                    SELECT client_id, workspace_id, user_id, scopes, expires_at, revoked FROM directory_api_key
                    """
            )
            try db.drop(table: "directory_api_key")
            try db.rename(table: "directory_api_key_signed", to: "directory_api_key")
        }
    }
}
