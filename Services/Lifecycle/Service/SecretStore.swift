import Foundation
import GRDB
import Models

/// Writes integration secret values, sealed, in the command's transaction. Deleting an
/// integration removes its secrets through the foreign key's cascade.
enum SecretStore {
    /// Writes the changes of an integration of `changes.workspaceID`, and of no other workspace.
    static func apply(_ changes: IntegrationRules.SecretChanges, box: SecretBox, db: Database) throws {
        let owner = try String.fetchOne(
            db.cachedStatement(sql: "SELECT workspace_id FROM integration WHERE id = ?"),
            arguments: [changes.integrationID.rawValue]
        )
        guard owner == changes.workspaceID.rawValue else {
            throw Rejection(.alreadyExists, "integration '\(changes.integrationID)' is not one of this workspace's; no secret was written")
        }
        for field in changes.remove {
            try db.cachedStatement(sql: "DELETE FROM integration_secret WHERE integration_id = ? AND field = ?")
                .execute(arguments: [changes.integrationID.rawValue, field])
        }
        for (field, value) in changes.set.sorted(by: { $0.key < $1.key }) {
            let sealed = try box.seal(value, integration: changes.integrationID, field: field)
            try db.cachedStatement(
                sql: """
                    INSERT INTO integration_secret (integration_id, field, sealed) VALUES (?, ?, ?)
                    ON CONFLICT (integration_id, field) DO UPDATE SET sealed = excluded.sealed
                    """
            )
            .execute(arguments: [changes.integrationID.rawValue, field, sealed])
        }
    }

    /// A secret value in clear, for the code that uses integrations (and tests).
    static func value(of field: String, integration: IntegrationID, box: SecretBox, db: Database) throws -> String? {
        guard
            let sealed = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT sealed FROM integration_secret WHERE integration_id = ? AND field = ?"),
                arguments: [integration.rawValue, field]
            )
        else { return nil }
        return try box.open(sealed, integration: integration, field: field)
    }

    /// Seals again with the current key every value sealed with a previous one (or before keys had
    /// ids), so that a previous key can leave the secrets key file once this has run. Returns how
    /// many values moved.
    @discardableResult
    static func reseal(box: SecretBox, db: Database) throws -> Int {
        let rows = try Row.fetchAll(db, sql: "SELECT integration_id, field, sealed FROM integration_secret")
        var moved = 0
        for row in rows {
            let sealed: Data = row["sealed"]
            guard box.isStale(sealed) else { continue }
            let integration = IntegrationID(rawValue: row["integration_id"])
            let field: String = row["field"]
            let value = try box.open(sealed, integration: integration, field: field)
            try db.execute(
                sql: "UPDATE integration_secret SET sealed = ? WHERE integration_id = ? AND field = ?",
                arguments: [try box.seal(value, integration: integration, field: field), integration.rawValue, field]
            )
            moved += 1
        }
        return moved
    }
}
