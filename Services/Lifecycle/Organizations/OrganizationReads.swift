import GRDB
import Models

/// An organization as the read side shows it.
struct OrganizationView: Codable {
    /// One of its workspaces.
    struct Workspace: Codable {
        var id: String
        var name: String
        var status: String
    }
    var id: String
    var name: String
    var features: [String]
    var maxKeyLifetimeDays: Int
    var workspaces: [Workspace]

    enum CodingKeys: String, CodingKey {
        case id, name, features, workspaces
        case maxKeyLifetimeDays = "max_key_lifetime_days"
    }
}

/// The read side's queries over the organization tables.
enum OrganizationReads {
    /// An organization with its features and its workspaces by name; nil when there is none with that id.
    static func organization(_ id: OrganizationID, db: Database) throws -> OrganizationView? {
        guard let record = try OrganizationRecord.fetchOne(db, key: id.rawValue) else { return nil }
        let features = try String.fetchAll(
            db,
            sql: "SELECT feature FROM organization_feature WHERE organization_id = ? ORDER BY feature",
            arguments: [id]
        )
        let workspaces = try WorkspaceRecord.filter(WorkspaceRecord.CodingKeys.organizationID == id.rawValue).order(WorkspaceRecord.CodingKeys.name)
            .fetchAll(db)
        return OrganizationView(
            id: record.id.rawValue,
            name: record.name,
            features: features,
            maxKeyLifetimeDays: record.maxKeyLifetimeDays,
            workspaces: workspaces.map { .init(id: $0.id.rawValue, name: $0.name, status: $0.status.rawValue) }
        )
    }
}
