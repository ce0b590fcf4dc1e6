import Directory
import Foundation
import GRDB
import Models

/// The reads the rules need, each returning the small state value a rule takes.
enum SharingQueries {
    /// The open statuses, written into the SQL rather than bound: SQLite uses the partial index
    /// `share_open_once` only for a predicate it can match to the index's own when it prepares the statement.
    static let isOpen = "status IN ('\(ShareStatus.pending.rawValue)', '\(ShareStatus.accepted.rawValue)')"

    static func source(_ integrationID: IntegrationID, for caller: Caller, db: Database) throws -> ShareSource {
        let features = try Directory.features(of: caller.organizationID, db: db)
        guard integrationID.isWellFormed else { return ShareSource(features: features, integration: nil, isSharedCopy: false) }
        let integration = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM sharing_integration WHERE id = ?"), arguments: [integrationID]).map
        {
            IntegrationState(id: $0["id"], workspaceID: $0["workspace_id"], kind: $0["kind"], name: $0["name"])
        }
        let isCopy =
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM share WHERE copy_integration_id = ? AND destination_workspace_id = ? AND status = ?)
                        """
                ),
                arguments: [integrationID, caller.workspaceID, ShareStatus.accepted]
            ) ?? false
        return ShareSource(features: features, integration: integration, isSharedCopy: isCopy)
    }

    static func destinations(
        _ ids: [WorkspaceID],
        of integrationID: IntegrationID,
        for caller: Caller,
        db: Database
    ) throws -> [WorkspaceID: ShareDestination] {
        var destinations: [WorkspaceID: ShareDestination] = [:]
        for id in Set(ids) where id.isWellFormed {
            let open = try ShareID.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM share WHERE integration_id = ? AND destination_workspace_id = ? AND \(isOpen)
                        """
                ),
                arguments: [integrationID, id]
            )
            destinations[id] = ShareDestination(
                workspace: try Directory.workspace(id, db: db),
                callerRole: try Directory.role(of: caller.userID, in: id, db: db),
                openShare: open
            )
        }
        return destinations
    }

    static func share(_ id: ShareID, db: Database) throws -> ShareState? {
        guard id.isWellFormed else { return nil }
        return try shares("id = ?", [id], db: db).first
    }

    /// The accepted share whose copy has this id.
    static func share(copy id: IntegrationID, db: Database) throws -> ShareState? {
        guard id.isWellFormed else { return nil }
        return try shares("copy_integration_id = ?", [id], db: db).first
    }

    /// Pending and accepted shares of an integration of `source`.
    static func openShares(of integrationID: IntegrationID, in source: WorkspaceID, db: Database) throws -> [ShareState] {
        try shares("integration_id = ? AND source_workspace_id = ? AND \(isOpen)", [integrationID, source], db: db)
    }

    /// Pending and accepted shares from or to a workspace.
    static func openShares(involving workspace: WorkspaceID, db: Database) throws -> [ShareState] {
        try shares(
            "(source_workspace_id = ? OR destination_workspace_id = ?) AND \(isOpen) ORDER BY requested_at, id",
            [workspace, workspace],
            db: db
        )
    }

    /// Pending requests past their expiry, oldest first (`share_pending_by_expiry`, whose condition
    /// is written out for the same reason as ``isOpen``).
    static func dueForExpiry(now: Date, limit: Int, db: Database) throws -> [ShareState] {
        try shares("status = '\(ShareStatus.pending.rawValue)' AND expires_at <= ? ORDER BY expires_at LIMIT ?", [now, limit], db: db)
    }

    private static func shares(_ condition: String, _ arguments: StatementArguments, db: Database) throws -> [ShareState] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM share WHERE " + condition), arguments: arguments).map(shareState)
    }

    static func shareState(_ row: Row) -> ShareState {
        ShareState(
            reference: ShareReference(
                shareID: row["id"],
                organizationID: row["organization_id"],
                integrationID: row["integration_id"],
                integrationKind: row["integration_kind"],
                integrationName: row["integration_name"],
                sourceWorkspaceID: row["source_workspace_id"],
                destinationWorkspaceID: row["destination_workspace_id"],
                requestedBy: row["requested_by"]
            ),
            status: row["status"],
            expiresAt: row["expires_at"],
            copyIntegrationID: row["copy_integration_id"]
        )
    }
}
