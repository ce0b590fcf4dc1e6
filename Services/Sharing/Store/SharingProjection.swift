import Foundation
import GRDB
import Models
import Pipeline

/// Writes Sharing's state: shares and their history from Sharing's own events, and the integrations
/// replica from Lifecycle's. The only code that changes these tables.
enum SharingProjection {
    /// Lifecycle events that feed the integrations replica.
    static let integrationEventTypes: [any Message.Type] = [IntegrationCreated.self, IntegrationUpdated.self, IntegrationDeleted.self]

    /// Applies the events of one decision, in order, all at `date`. A share requested and accepted
    /// at once (auto-accepted) is inserted as accepted: one write of its row, not an insert and an
    /// update; the row and its history are the ones the events one by one would leave.
    static func apply(_ events: [any Message], at date: Date, db: Database) throws {
        var index = events.startIndex
        while index < events.endIndex {
            if let requested = events[index] as? ShareRequested, index + 1 < events.endIndex,
                let accepted = events[index + 1] as? ShareAccepted, accepted.share.shareID == requested.share.shareID
            {
                let time = StoredTimestamp(date)
                try insert(requested, accepted: accepted, at: time, db: db)
                try record(requested.share, .pending, by: requested.share.requestedBy, at: time, db: db)
                try record(accepted.share, .accepted, by: accepted.acceptedBy, automatic: accepted.automatic, at: time, db: db)
                index += 2
            } else {
                try apply(events[index], at: date, db: db)
                index += 1
            }
        }
    }

    static func apply(_ event: any Message, at date: Date, db: Database) throws {
        let time = StoredTimestamp(date)
        switch event {
        case let event as ShareRequested:
            try insert(event, accepted: nil, at: time, db: db)
            try record(event.share, .pending, by: event.share.requestedBy, at: time, db: db)
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

    /// A share's row: pending, or accepted with its copy when `accepted` is given.
    private static func insert(_ requested: ShareRequested, accepted: ShareAccepted?, at time: StoredTimestamp, db: Database) throws {
        let share = requested.share
        try db.cachedStatement(
            sql: """
                INSERT INTO share (id, organization_id, integration_id, integration_kind, integration_name, source_workspace_id,
                    destination_workspace_id, requested_by, requested_at, expires_at, status, copy_integration_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            share.shareID, share.organizationID, share.integrationID, share.integrationKind, share.integrationName, share.sourceWorkspaceID,
            share.destinationWorkspaceID, share.requestedBy, time, StoredTimestamp(requested.expiresAt),
            accepted == nil ? ShareStatus.pending : ShareStatus.accepted, accepted?.copyIntegrationID, time,
        ])
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
        // Each transition follows the share's last one.
        try db.cachedStatement(
            sql: """
                INSERT INTO share_history (share_id, seq, status, "by", automatic, cause, reason, at)
                VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM share_history WHERE share_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)
                """
        )
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
