import GRDB
import Models

/// Which integrations of a workspace a list shows.
struct IntegrationFilter: Sendable {
    /// How an integration is shared, as the `shared` parameter names it.
    enum Sharing: String, Sendable {
        /// Copies shared into the workspace.
        case to
        /// The workspace's own integrations shared out.
        case from
        /// Integrations not shared either way.
        case none
    }

    var kind: IntegrationKind?
    var shared: Sharing?
}

/// An integration in a workspace's list: its fields, and how it is shared (the "Shared" column).
struct IntegrationView: Encodable {
    /// How the integration is shared, from the workspace's side.
    struct Sharing: Encodable {
        enum Direction: String, Encodable { case to, from }
        var direction: Direction
        /// For a copy shared into the workspace.
        var shareID: String?
        var sourceWorkspaceID: String?
        var sourceIntegrationID: String?
        /// For a local integration shared out: the workspaces holding a copy.
        var destinations: [String]?

        enum CodingKeys: String, CodingKey {
            case direction
            case shareID = "share_id"
            case sourceWorkspaceID = "source_workspace_id"
            case sourceIntegrationID = "source_integration_id"
            case destinations
        }
    }

    var integration: IntegrationSnapshot
    var shared: Sharing?

    private enum CodingKeys: String, CodingKey {
        case shared
        case readOnly = "read_only"
    }

    func encode(to encoder: any Encoder) throws {
        try integration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(shared, forKey: .shared)
        try container.encode(shared?.direction == .to, forKey: .readOnly)
    }
}

/// The read side's queries over `integration` and `shared_copy`: a workspace's own integrations
/// and the copies shared into it, as ``IntegrationView``s.
enum IntegrationReads {
    /// The workspace's integrations by kind and name, then the copies shared into it; nil when
    /// the workspace is unknown.
    static func integrations(in workspace: WorkspaceID, _ filter: IntegrationFilter, db: Database) throws -> [IntegrationView]? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let views = try local(in: workspace, kind: filter.kind, db: db) + copies(in: workspace, kind: filter.kind, db: db)
        return views.filter { view in
            switch filter.shared {
            case .to: view.shared?.direction == .to
            case .from: view.shared?.direction == .from
            case .none?: view.shared == nil
            case nil: true
            }
        }
    }

    private static func local(in workspace: WorkspaceID, kind: IntegrationKind?, db: Database) throws -> [IntegrationView] {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM integration WHERE workspace_id = ? AND (? IS NULL OR kind = ?) ORDER BY kind, name_key",
            arguments: [workspace, kind, kind]
        )
        return try rows.compactMap { row in
            guard let snapshot = try IntegrationStore.snapshot(row) else { return nil }
            let destinations = try String.fetchAll(
                db,
                sql: "SELECT destination_workspace_id FROM shared_copy WHERE source_integration_id = ? ORDER BY destination_workspace_id",
                arguments: [snapshot.integrationID]
            )
            return IntegrationView(integration: snapshot, shared: destinations.isEmpty ? nil : .init(direction: .from, destinations: destinations))
        }
    }

    /// Copies show the source's current fields under the copy's id, in the destination workspace.
    private static func copies(in workspace: WorkspaceID, kind: IntegrationKind?, db: Database) throws -> [IntegrationView] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT integration.*, shared_copy.id AS copy_id, shared_copy.share_id, shared_copy.source_workspace_id
                FROM shared_copy JOIN integration ON integration.id = shared_copy.source_integration_id
                WHERE shared_copy.destination_workspace_id = ? AND (? IS NULL OR integration.kind = ?) ORDER BY integration.kind, integration.name_key
                """,
            arguments: [workspace, kind, kind]
        )
        return try rows.compactMap { row in
            guard var snapshot = try IntegrationStore.snapshot(row) else { return nil }
            let sourceID = snapshot.integrationID
            snapshot.integrationID = row["copy_id"]
            snapshot.workspaceID = workspace
            return IntegrationView(
                integration: snapshot,
                shared: .init(
                    direction: .to,
                    shareID: row["share_id"],
                    sourceWorkspaceID: row["source_workspace_id"],
                    sourceIntegrationID: sourceID.rawValue
                )
            )
        }
    }
}
