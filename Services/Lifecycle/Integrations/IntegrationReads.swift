import GRDB
import Models
import ServiceKit

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
    /// The workspace's own integrations by kind and name, unique in it (`integration`'s unique key).
    static let localOrder = KeysetOrder("kind", "name_key")
    /// Copies by the source's kind and current name, then copy id: several sources may share one name.
    static let copyOrder = KeysetOrder("kind", "name_key", "copy_id")

    /// A page of the workspace's integrations by kind and name, then of the copies shared into it;
    /// nil when the workspace is unknown. A page's position is the section (0 own, 1 copies) and the
    /// key in that section's order.
    static func integrations(in workspace: WorkspaceID, _ filter: IntegrationFilter, page: PageRequest, db: Database) throws -> Page<IntegrationView>?
    {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        var section: Int64 = 0
        var position: [DatabaseValue]?
        if let after = page.after {
            guard let first = Int64.fromDatabaseValue(after[0]), first == 0 || first == 1 else {
                throw ReadError.invalid("cursor", "cursor is not one this list gave out")
            }
            (section, position) = (first, Array(after.dropFirst()))
        }
        var found: [(key: [DatabaseValue], view: IntegrationView?)] = []
        if section == 0, filter.shared != .to {
            found += try local(in: workspace, filter, after: position, limit: page.fetchLimit, db: db).map { ([0.databaseValue] + $0.key, $0.view) }
        }
        if found.count < page.fetchLimit, filter.shared == nil || filter.shared == .to {
            found += try copies(in: workspace, kind: filter.kind, after: section == 1 ? position : nil, limit: page.fetchLimit - found.count, db: db)
                .map { ([1.databaseValue] + $0.key, $0.view) }
        }
        let paged = page.page(found) { $0.key }
        return Page(items: paged.items.compactMap(\.view), nextCursor: paged.nextCursor)
    }

    private static func local(
        in workspace: WorkspaceID,
        _ filter: IntegrationFilter,
        after position: [DatabaseValue]?,
        limit: Int,
        db: Database
    ) throws -> [(key: [DatabaseValue], view: IntegrationView?)] {
        let sharedOut =
            switch filter.shared {
            case .from?: " AND EXISTS (SELECT 1 FROM shared_copy WHERE source_integration_id = integration.id)"
            case .none?: " AND NOT EXISTS (SELECT 1 FROM shared_copy WHERE source_integration_id = integration.id)"
            case .to?, nil: ""
            }
        let after = try localOrder.after(position)
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM integration WHERE workspace_id = ? AND (? IS NULL OR kind = ?)\(sharedOut)\(after.sql) ORDER BY \(localOrder.orderBy) LIMIT ?",
            arguments: [workspace, filter.kind, filter.kind] + after.arguments + [limit]
        )
        return try rows.map { row in
            guard let snapshot = try IntegrationStore.snapshot(row) else { return (localOrder.key(row), nil) }
            let destinations = try String.fetchAll(
                db,
                sql: "SELECT destination_workspace_id FROM shared_copy WHERE source_integration_id = ? ORDER BY destination_workspace_id",
                arguments: [snapshot.integrationID]
            )
            let view = IntegrationView(
                integration: snapshot,
                shared: destinations.isEmpty ? nil : .init(direction: .from, destinations: destinations)
            )
            return (localOrder.key(row), view)
        }
    }

    /// Copies show the source's current fields under the copy's id, in the destination workspace.
    private static func copies(
        in workspace: WorkspaceID,
        kind: IntegrationKind?,
        after position: [DatabaseValue]?,
        limit: Int,
        db: Database
    ) throws -> [(key: [DatabaseValue], view: IntegrationView?)] {
        let after = try copyOrder.after(position)
        // The order is the source's, so the copies of one workspace are sorted here (found by `destination_workspace_id`).
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM (
                    SELECT integration.*, shared_copy.id AS copy_id, shared_copy.share_id, shared_copy.source_workspace_id
                    FROM shared_copy JOIN integration ON integration.id = shared_copy.source_integration_id
                    WHERE shared_copy.destination_workspace_id = ? AND (? IS NULL OR integration.kind = ?)
                ) WHERE 1\(after.sql) ORDER BY \(copyOrder.orderBy) LIMIT ?
                """,
            arguments: [workspace, kind, kind] + after.arguments + [limit]
        )
        return try rows.map { row in
            guard var snapshot = try IntegrationStore.snapshot(row) else { return (copyOrder.key(row), nil) }
            let sourceID = snapshot.integrationID
            snapshot.integrationID = row["copy_id"]
            snapshot.workspaceID = workspace
            let view = IntegrationView(
                integration: snapshot,
                shared: .init(
                    direction: .to,
                    shareID: row["share_id"],
                    sourceWorkspaceID: row["source_workspace_id"],
                    sourceIntegrationID: sourceID.rawValue
                )
            )
            return (copyOrder.key(row), view)
        }
    }
}
