import Foundation
import GRDB
import Models
import Pipeline

/// Writes Sharing's state: shares and their history from Sharing's own events, and the integrations
/// replica from Lifecycle's. The only code that changes these tables.
enum SharingProjection {
    /// Lifecycle events that feed the integrations replica.
    static let integrationEventTypes: [any Message.Type] = [IntegrationCreated.self, IntegrationUpdated.self, IntegrationDeleted.self]

    static func apply(_ event: any Message, at date: Date, db: Database) throws {
        let time = StoredTimestamp(date)
        switch event {
        case let event as ShareRequested:
            let share = event.share
            try db.cachedStatement(
                sql: """
                    INSERT INTO share (id, organization_id, integration_id, integration_kind, integration_name, source_workspace_id,
                        destination_workspace_id, requested_by, requested_at, expires_at, status, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                share.shareID, share.organizationID, share.integrationID, share.integrationKind, share.integrationName, share.sourceWorkspaceID,
                share.destinationWorkspaceID, share.requestedBy, time, StoredTimestamp(event.expiresAt), ShareStatus.pending, time,
            ])
            try record(share, .pending, by: share.requestedBy, at: time, db: db)
        case let event as ShareAccepted:
            try db.cachedStatement(sql: "UPDATE share SET status = ?, copy_integration_id = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [ShareStatus.accepted, event.copyIntegrationID, time, event.share.shareID])
            try record(event.share, .accepted, by: event.acceptedBy, automatic: event.automatic, at: time, db: db)
        case let event as ShareDenied:
            try transition(event.share, to: .denied, by: event.deniedBy, reason: event.reason, at: time, db: db)
        case let event as ShareExpired:
            try transition(event.share, to: .expired, by: nil, at: time, db: db)
        case let event as ShareCancelled:
            try transition(event.share, to: .cancelled, by: event.cancelledBy, cause: event.cause, at: time, db: db)
        case let event as ShareRevoked:
            try transition(event.share, to: .revoked, by: event.revokedBy, cause: event.cause, at: time, db: db)
        case let event as ShareRemoved:
            try transition(event.share, to: .removed, by: event.removedBy, at: time, db: db)
        case let event as IntegrationCreated:
            try replicate(event.integration, db: db)
        case let event as IntegrationUpdated:
            try replicate(event.integration, db: db)
        case let event as IntegrationDeleted:
            try db.cachedStatement(sql: "DELETE FROM sharing_integration WHERE id = ?").execute(arguments: [event.integrationID])
        case is SharingStepCompleted:
            break  // a confirmation for Deactivation; each ended share has its own event
        default:
            throw UnhandledMessage(type: type(of: event).messageType)
        }
    }

    private static func transition(
        _ share: ShareReference,
        to status: ShareStatus,
        by user: UserID?,
        cause: ShareEndCause? = nil,
        reason: String? = nil,
        at time: StoredTimestamp,
        db: Database
    ) throws {
        try db.cachedStatement(sql: "UPDATE share SET status = ?, updated_at = ? WHERE id = ?").execute(arguments: [status, time, share.shareID])
        try record(share, status, by: user, cause: cause, reason: reason, at: time, db: db)
    }

    private static func record(
        _ share: ShareReference,
        _ status: ShareStatus,
        by user: UserID?,
        automatic: Bool = false,
        cause: ShareEndCause? = nil,
        reason: String? = nil,
        at time: StoredTimestamp,
        db: Database
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO share_history (share_id, status, by, automatic, cause, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [share.shareID, status, user, automatic, cause?.rawValue, reason, time])
    }

    /// Adds or changes the replica's row of an integration, never a row of another workspace's
    /// integration with the same id.
    private static func replicate(_ integration: IntegrationSnapshot, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO sharing_integration (id, workspace_id, kind, vendor, name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, vendor = excluded.vendor, name = excluded.name
                WHERE sharing_integration.workspace_id = excluded.workspace_id
                """
        ).execute(arguments: [integration.integrationID, integration.workspaceID, integration.kind, integration.vendor, integration.name])
    }
}
