import Foundation
import GRDB
import Models

/// The state the organization rules need, read from the organization tables.
enum OrganizationQueries {
    static func organization(_ id: OrganizationID, db: Database) throws -> OrganizationState? {
        guard try OrganizationRecord.exists(db, key: id.rawValue) else { return nil }
        let features = try String.fetchAll(db.cachedStatement(sql: "SELECT feature FROM organization_feature WHERE organization_id = ?"), arguments: [id.rawValue])
        return OrganizationState(enabledFeatures: Set(features.compactMap(Feature.init(rawValue:))))
    }

    static func creation(name: String, ownerEmail: String, db: Database) throws -> OrganizationRules.CreationState {
        let taken = try OrganizationRecord.filter(OrganizationRecord.CodingKeys.nameKey == nameKey(name)).fetchCount(db) > 0
        let owner = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM user WHERE email = ? COLLATE NOCASE"), arguments: [ownerEmail.trimmingCharacters(in: .whitespaces)])
        return OrganizationRules.CreationState(nameTaken: taken, existingOwner: owner.map(UserID.init(rawValue:)))
    }
}
