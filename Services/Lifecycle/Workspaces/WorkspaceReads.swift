import GRDB
import Models

/// A workspace as the read side shows it.
struct WorkspaceView: Codable {
    var id: String
    var organizationID: String
    var name: String
    var status: String
    var members: [MemberView]

    enum CodingKeys: String, CodingKey {
        case id
        case organizationID = "organization_id"
        case name, status, members
    }
}

/// The read side's queries over `workspace`.
enum WorkspaceReads {
    /// A workspace with its members; nil when there is none with that id.
    static func workspace(_ id: WorkspaceID, db: Database) throws -> WorkspaceView? {
        guard let record = try WorkspaceRecord.fetchOne(db, key: id.rawValue) else { return nil }
        return WorkspaceView(
            id: record.id.rawValue,
            organizationID: record.organizationID.rawValue,
            name: record.name,
            status: record.status.rawValue,
            members: try MemberReads.members(of: id, db: db)
        )
    }

    /// What Lifecycle's step of a deactivation would change now, from the queries and the rule the
    /// step uses; nothing is written. Nil when the workspace is unknown.
    static func deactivationPreview(of workspace: WorkspaceID, db: Database) throws -> LifecycleDeactivationPreview? {
        guard let record = try WorkspaceRecord.fetchOne(db, key: workspace.rawValue) else { return nil }
        let state = try WorkspaceStore.deactivationState(workspace, db: db)
        return WorkspaceStatusRules.preview(of: workspace, status: record.status, state: state)
    }
}
