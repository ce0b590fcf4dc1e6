import Directory
import GRDB
import Models

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

    /// Shares to and from a workspace, newest first; nil when the workspace is unknown.
    static func workspaceShares(_ workspace: WorkspaceID, _ filter: ShareFilter, db: Database) throws -> [ShareView]? {
        guard try Directory.workspace(workspace, db: db) != nil else { return nil }
        let side =
            switch filter.direction {
            case .to: "share.destination_workspace_id = :ws"
            case .from: "share.source_workspace_id = :ws"
            case nil: "(share.source_workspace_id = :ws OR share.destination_workspace_id = :ws)"
            }
        let rows = try Row.fetchAll(
            db,
            sql: select + """
                 WHERE \(side) AND (:kind IS NULL OR share.integration_kind = :kind) AND (:status IS NULL OR share.status = :status)
                ORDER BY share.requested_at DESC, share.id
                """,
            arguments: ["ws": workspace, "kind": filter.kind, "status": filter.status]
        )
        return rows.map { ShareView(row: $0, relativeTo: workspace) }
    }

    /// The pending and accepted shares of an integration, by destination.
    static func destinations(of integration: IntegrationID, db: Database) throws -> [ShareView] {
        try Row.fetchAll(
            db,
            sql: select + " WHERE share.integration_id = ? AND share.\(SharingQueries.isOpen) ORDER BY share.destination_workspace_id",
            arguments: [integration]
        )
        .map { ShareView(row: $0) }
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
