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

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, nameKey = "name_key", createdAt = "created_at"
    }
}

/// Applies the organization events to `organization` and `organization_feature`.
enum OrganizationProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(OrganizationCreated.self) { event, target in
            try OrganizationRecord(id: event.organizationID, name: event.name, nameKey: nameKey(event.name), createdAt: target.time).insert(target.db)
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
