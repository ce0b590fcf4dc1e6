import Directory
import GRDB
import Models
import ServiceKit

/// Which shares of a workspace a list shows.
struct ShareFilter: Sendable {
    enum Direction: String, Sendable {
        /// Shared into the workspace.
        case to
        /// Shared from the workspace.
        case from
    }

    var direction: Direction?
    var kind: IntegrationKind?
    var status: ShareStatus?
}

/// The read side's queries: shares as ``ShareView``s, for the HTTP routes.
enum SharingReads {
    private static let select = """
        SELECT share.*, sharing_integration.name AS current_name, sharing_integration.vendor
        FROM share LEFT JOIN sharing_integration ON sharing_integration.id = share.integration_id
        """

    /// Newest first (`share_by_source_requested`, `share_by_destination_requested`).
    static let shareOrder = KeysetOrder("share.requested_at", "share.id", descending: true)
    /// Open shares of an integration by destination, one each (`share_open_once`).
    static let destinationOrder = KeysetOrder("share.destination_workspace_id")

    /// A page of the shares to and from a workspace, newest first; nil when the workspace is unknown.
    /// Each side is read along its own index, at most a page from each, and the two merged.
    static func workspaceShares(_ workspace: WorkspaceID, _ filter: ShareFilter, page: PageRequest, db: Database) throws -> Page<ShareView>? {
        guard try Directory.workspace(workspace, db: db) != nil else { return nil }
        let sides: [String] =
            switch filter.direction {
            case .to: ["destination_workspace_id"]
            case .from: ["source_workspace_id"]
            case nil: ["source_workspace_id", "destination_workspace_id"]
            }
        let after = try shareOrder.after(page)
        var arguments: StatementArguments = []
        let arms = sides.map { side in
            arguments += [workspace, filter.kind, filter.kind, filter.status, filter.status] + after.arguments + [page.fetchLimit]
            return """
                SELECT * FROM (
                    SELECT * FROM share WHERE \(side) = ? AND (? IS NULL OR integration_kind = ?) AND (? IS NULL OR status = ?)\(after.sql)
                    ORDER BY \(shareOrder.orderBy) LIMIT ?
                )
                """
        }
        arguments += [page.fetchLimit]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT share.*, sharing_integration.name AS current_name, sharing_integration.vendor
                FROM (\(arms.joined(separator: " UNION "))) AS share LEFT JOIN sharing_integration ON sharing_integration.id = share.integration_id
                ORDER BY \(shareOrder.orderBy) LIMIT ?
                """,
            arguments: arguments
        )
        return page.page(rows, order: shareOrder) { ShareView(row: $0, relativeTo: workspace) }
    }

    /// The workspace an integration belongs to, as the replica or its open shares know it; nil when
    /// Sharing knows no such integration (a deleted one has no open shares left to list).
    static func owner(of integration: IntegrationID, db: Database) throws -> WorkspaceID? {
        try WorkspaceID.fetchOne(
            db,
            sql: """
                SELECT workspace_id FROM sharing_integration WHERE id = ?
                UNION ALL SELECT source_workspace_id FROM share WHERE integration_id = ? AND \(SharingQueries.isOpen) LIMIT 1
                """,
            arguments: [integration, integration]
        )
    }

    /// A page of the pending and accepted shares of an integration, by destination.
    static func destinations(of integration: IntegrationID, page: PageRequest, db: Database) throws -> Page<ShareView> {
        let after = try destinationOrder.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: select
                + " WHERE share.integration_id = ? AND share.\(SharingQueries.isOpen)\(after.sql) ORDER BY \(destinationOrder.orderBy) LIMIT ?",
            arguments: [integration] + after.arguments + [page.fetchLimit]
        )
        return page.page(rows, order: destinationOrder) { ShareView(row: $0) }
    }

    /// One share with its history; nil when there is none with that id.
    static func share(_ id: ShareID, db: Database) throws -> ShareView? {
        guard let row = try Row.fetchOne(db, sql: select + " WHERE share.id = ?", arguments: [id]) else { return nil }
        var view = ShareView(row: row)
        view.history = try Row.fetchAll(db, sql: "SELECT * FROM share_history WHERE share_id = ? ORDER BY seq", arguments: [id]).map {
            ShareView.Transition(
                status: $0["status"],
                by: $0["by"],
                automatic: $0["automatic"],
                cause: $0["cause"],
                reason: $0["reason"],
                at: $0["at"]
            )
        }
        return view
    }

    /// What deactivating the workspace would end now, from the query and rule the saga step uses;
    /// nil when the workspace is unknown.
    static func deactivationPreview(of workspace: WorkspaceID, db: Database) throws -> SharingDeactivationPreview? {
        guard try Directory.workspace(workspace, db: db) != nil else { return nil }
        let open = try SharingQueries.openShares(involving: workspace, db: db)
        return SharingDeactivationPreview(workspaceID: workspace, sharesToEnd: ShareEndingRules.endedByDeactivation(open))
    }
}
