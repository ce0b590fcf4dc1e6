import Foundation
import GRDB
import Models

/// One row of `organization`.
struct OrganizationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "organization"
    var id: OrganizationID
    var name: String
    var nameKey: String
    var createdAt: Date
    var maxKeyLifetimeDays: Int

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name
        case nameKey = "name_key"
        case createdAt = "created_at"
        case maxKeyLifetimeDays = "max_key_lifetime_days"
    }
}

/// The organization tables (`organization`, `organization_feature`): the state the organization
/// rules need (and the key rules: the organization's maximum key lifetime), read from them, and the
/// projection of the organization events, the only code that writes them.
enum OrganizationStore {
    // MARK: The state the rules need

    static func organization(_ id: OrganizationID, db: Database) throws -> OrganizationState? {
        guard let maxKeyLifetimeDays = try maxKeyLifetimeDays(id, db: db) else { return nil }
        let features = try String.fetchAll(
            db.cachedStatement(sql: "SELECT feature FROM organization_feature WHERE organization_id = ?"),
            arguments: [id.rawValue]
        )
        return OrganizationState(enabledFeatures: Set(features.compactMap(Feature.init(rawValue:))), maxKeyLifetimeDays: maxKeyLifetimeDays)
    }

    /// The longest a key issued in the organization may live; nil when there is no such organization.
    static func maxKeyLifetimeDays(_ id: OrganizationID, db: Database) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT max_key_lifetime_days FROM organization WHERE id = ?"), arguments: [id.rawValue])
    }

    static func creation(name: String, db: Database) throws -> OrganizationRules.CreationState {
        let taken = try OrganizationRecord.filter(OrganizationRecord.CodingKeys.nameKey == nameKey(name)).fetchCount(db) > 0
        return OrganizationRules.CreationState(nameTaken: taken)
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(OrganizationCreated.self) { event, target in
            try OrganizationRecord(
                id: event.organizationID,
                name: event.name,
                nameKey: nameKey(event.name),
                createdAt: target.time,
                maxKeyLifetimeDays: event.maxKeyLifetimeDays ?? KeyLifetime.defaultMaximumDays
            ).insert(target.db)
        }
        .on(OrganizationKeyLifetimeChanged.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE organization SET max_key_lifetime_days = ? WHERE id = ?")
                .execute(arguments: [event.maxKeyLifetimeDays, event.organizationID.rawValue])
        }
        .on(OrganizationFeaturesChanged.self) { event, target in
            try target.db.cachedStatement(sql: "DELETE FROM organization_feature WHERE organization_id = ?")
                .execute(arguments: [event.organizationID.rawValue])
            for feature in event.enabled {
                try target.db.cachedStatement(sql: "INSERT INTO organization_feature (organization_id, feature) VALUES (?, ?)")
                    .execute(arguments: [event.organizationID.rawValue, feature.rawValue])
            }
        }
}
