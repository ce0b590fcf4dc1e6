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
}
