import GRDB

/// Lifecycle's own tables. Shipped migrations are frozen; add new ones below.
enum LifecycleMigrations {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("lifecycle.v1") { db in
            try db.create(table: "organization") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("name_key", .text).notNull().unique()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "organization_feature") { t in
                t.column("organization_id", .text).notNull().references("organization")
                t.column("feature", .text).notNull()
                t.primaryKey(["organization_id", "feature"])
            }
            try db.create(table: "workspace") { t in
                t.primaryKey("id", .text)
                t.column("organization_id", .text).notNull().references("organization")
                t.column("name", .text).notNull()
                t.column("name_key", .text).notNull()
                t.column("status", .text).notNull()
                t.column("created_by", .text)
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["organization_id", "name_key"])
            }
            try db.create(table: "user") { t in
                t.primaryKey("id", .text)
                t.column("email", .text).notNull().unique(onConflict: .abort).collate(.nocase)
            }
            try db.create(table: "member") { t in
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("user_id", .text).notNull().references("user")
                t.column("role", .text).notNull()
                t.primaryKey(["workspace_id", "user_id"])
            }
            try db.create(table: "api_key") { t in
                t.primaryKey("client_id", .text)
                t.column("secret_hash", .text).notNull()
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("user_id", .text).notNull().references("user")
                t.column("scopes", .text).notNull()
                t.column("issuer_role", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked_at", .datetime)
            }
            try db.create(index: "api_key_by_workspace", on: "api_key", columns: ["workspace_id"])
        }
        migrator.registerMigration("lifecycle.v2: invitations") { db in
            try db.create(table: "invitation") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("email", .text).notNull()
                t.column("role", .text).notNull()
                t.column("status", .text).notNull()
                t.column("token_hash", .text).notNull()
                t.column("invited_by", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("accepted_by", .text)
            }
            try db.create(index: "invitation_by_workspace_email", on: "invitation", columns: ["workspace_id", "email"])
        }
        migrator.registerMigration("lifecycle.v3: sso") { db in
            try db.create(table: "sso_config") { t in
                t.primaryKey("workspace_id", .text).references("workspace")
                t.column("entity_id", .text).notNull()
                t.column("sso_url", .text).notNull()
                t.column("certificate", .text).notNull()
                t.column("certificate_sha256", .text).notNull()
                t.column("copied_from", .text)
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(table: "claim_mapping") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("claim", .text).notNull()
                t.column("value", .text).notNull()
                t.column("role", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["workspace_id", "claim", "value"])
            }
        }
        migrator.registerMigration("lifecycle.v4: step runners") { db in
            try db.create(table: "step_runner") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("name", .text).notNull()
                t.column("platform", .text).notNull()
                t.column("token_hash", .text).notNull()
                t.column("registered_at", .datetime)
                t.column("created_by", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["workspace_id", "name"])
            }
        }
        migrator.registerMigration("lifecycle.v5: integrations") { db in
            try db.create(table: "integration") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("kind", .text).notNull()
                t.column("vendor", .text).notNull()
                t.column("name", .text).notNull()
                t.column("name_key", .text).notNull()
                t.column("parameters", .blob).notNull()
                t.column("secret_fields", .blob).notNull()
                t.column("refresh_state", .text)
                t.column("updated_at", .datetime).notNull()
                t.uniqueKey(["workspace_id", "kind", "name_key"])
            }
            // Secret values, AES-GCM sealed; the only state not carried by events.
            try db.create(table: "integration_secret") { t in
                t.column("integration_id", .text).notNull().references("integration", onDelete: .cascade)
                t.column("field", .text).notNull()
                t.column("sealed", .blob).notNull()
                t.primaryKey(["integration_id", "field"])
            }
        }
        migrator.registerMigration("lifecycle.v6: workflows") { db in
            try db.create(table: "workflow") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("name", .text).notNull()
                t.column("name_key", .text).notNull()
                t.column("current_revision_id", .text).notNull()
                t.column("published_revision_id", .text)
                t.column("enabled", .boolean).notNull()
                t.column("triggers_enabled", .boolean).notNull()
                t.column("tags", .blob).notNull()
                t.column("updated_at", .datetime).notNull()
                t.uniqueKey(["workspace_id", "name_key"])
            }
            try db.create(table: "workflow_revision") { t in
                t.primaryKey("id", .text)
                t.column("workflow_id", .text).notNull().references("workflow")
                t.column("yaml", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "execution") { t in
                t.primaryKey("id", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("workflow_id", .text).notNull().references("workflow")
                t.column("revision_id", .text).notNull()
                t.column("status", .text).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("finished_at", .datetime)
            }
            try db.create(index: "execution_by_workspace_status", on: "execution", columns: ["workspace_id", "status"])
        }
        migrator.registerMigration("lifecycle.v7: shared copies") { db in
            // Read-only copies of integrations shared into a workspace; their fields are the source's.
            try db.create(table: "shared_copy") { t in
                t.primaryKey("id", .text)
                t.column("share_id", .text).notNull()
                t.column("source_integration_id", .text).notNull().indexed()
                t.column("source_workspace_id", .text).notNull()
                t.column("destination_workspace_id", .text).notNull().indexed()
                t.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("lifecycle.v8: deactivation") { db in
            // The switches of workflows a deactivation turned off, to restore on reactivation.
            try db.create(table: "deactivated_workflow") { t in
                t.primaryKey("workflow_id", .text)
                t.column("workspace_id", .text).notNull().indexed()
                t.column("enabled", .boolean).notNull()
                t.column("triggers_enabled", .boolean).notNull()
            }
        }
        migrator.registerMigration("lifecycle.v9: key limits") { db in
            // The longest a key issued in the organization may live, in days.
            try db.alter(table: "organization") { t in
                t.add(column: "max_key_lifetime_days", .integer).notNull().defaults(to: 365)
            }
            // The key that issued a key, whose revocation revokes it; nil for keys issued before.
            try db.alter(table: "api_key") { t in
                t.add(column: "issued_by", .text)
            }
            try db.create(index: "api_key_by_issuer", on: "api_key", columns: ["issued_by"])
        }
        migrator.registerMigration("lifecycle.v10: users per organization") { db in
            // A user belongs to one organization: the same address in two organizations is two users,
            // so accepting an invitation can never attach it to a user of another organization. A user
            // from before takes the organization of their earliest workspace (none: no membership left).
            try db.create(table: "organization_user") { t in
                t.primaryKey("id", .text)
                t.column("email", .text).notNull().collate(.nocase)
                t.column("organization_id", .text).references("organization")
                t.uniqueKey(["organization_id", "email"])
            }
            try db.execute(
                sql: """
                    INSERT INTO organization_user (id, email, organization_id)
                    SELECT user.id, user.email, (
                        SELECT workspace.organization_id FROM member JOIN workspace ON workspace.id = member.workspace_id
                        WHERE member.user_id = user.id ORDER BY workspace.created_at, workspace.id LIMIT 1
                    ) FROM user
                    """
            )
            try db.drop(table: "user")
            try db.rename(table: "organization_user", to: "user")
        }
        migrator.registerMigration("lifecycle.v11: list orders") { db in
            // Each list read pages along its order from an index, never sorting or skipping the rows before.
            try db.create(index: "execution_by_workspace_started", on: "execution", columns: ["workspace_id", "started_at", "id"])
            try db.create(index: "invitation_by_workspace_created", on: "invitation", columns: ["workspace_id", "created_at", "id"])
            try db.create(index: "api_key_by_workspace_created", on: "api_key", columns: ["workspace_id", "created_at", "client_id"])
            try db.drop(index: "api_key_by_workspace")
        }
        migrator.registerMigration("lifecycle.v12: signing keys") { db in
            // Commands are signed, not sent with the secret: a key keeps its signing key of each service,
            // each sealed to that service's key, instead of the secret's hash. A key from before keeps
            // its row (its workspace lists it, a revocation reaches it) but can no longer sign.
            try db.create(table: "api_key_signed") { t in
                t.primaryKey("client_id", .text)
                t.column("signing_keys", .text)
                t.column("workspace_id", .text).notNull().references("workspace")
                t.column("user_id", .text).notNull().references("user")
                t.column("scopes", .text).notNull()
                t.column("issuer_role", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked_at", .datetime)
                t.column("issued_by", .text)
            }
            try db.execute(
                sql: """
                    INSERT INTO api_key_signed (client_id, workspace_id, user_id, scopes, issuer_role, created_at, expires_at, revoked_at, issued_by)
                    SELECT client_id, workspace_id, user_id, scopes, issuer_role, created_at, expires_at, revoked_at, issued_by FROM api_key
                    """
            )
            try db.drop(table: "api_key")
            try db.rename(table: "api_key_signed", to: "api_key")
            try db.create(index: "api_key_by_issuer", on: "api_key", columns: ["issued_by"])
            try db.create(index: "api_key_by_workspace_created", on: "api_key", columns: ["workspace_id", "created_at", "client_id"])
        }
    }
}
