import Foundation
import Models

/// How shares end: revoked or cancelled by the source, removed by the destination, ended because
/// their integration was deleted, or expired unanswered.
enum ShareEndingRules {
    /// Revokes the accepted shares and cancels the pending requests of one of the caller's
    /// integrations, with one destination or all of them; one item result per share.
    static func revoke(_ command: RevokeShare, by principal: Principal, openShares: [ShareState]) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .resourceShare, to: "revoking a share")
        guard command.integrationID.isWellFormed else { throw .invalid("integration_id", "is not an integration id (int_...)") }
        if let destination = command.destinationWorkspaceID, !destination.isWellFormed {
            throw .invalid("destination_workspace_id", "is not a workspace id (ws_...)")
        }
        let affected = openShares.filter {
            $0.reference.sourceWorkspaceID == caller.workspaceID && $0.reference.integrationID == command.integrationID
                && (command.destinationWorkspaceID == nil || $0.reference.destinationWorkspaceID == command.destinationWorkspaceID)
        }
        guard !affected.isEmpty else {
            let target = command.destinationWorkspaceID.map { "with '\($0)'" } ?? "with any workspace"
            throw Rejection(.notFound, "integration '\(command.integrationID)' of this workspace is not shared \(target)", field: "integration_id")
        }
        let events = end(affected, by: caller.userID, cause: .revokedBySource)
        let items = zip(affected.indices, affected).map { index, share in
            ItemResult(
                index: index,
                status: .accepted,
                created: [
                    "share_id": share.reference.shareID.rawValue, "destination_workspace_id": share.reference.destinationWorkspaceID.rawValue,
                    "status": (share.status == .accepted ? ShareStatus.revoked : ShareStatus.cancelled).rawValue,
                ]
            )
        }
        return CommandOutcome(events: events, items: items)
    }

    /// A destination Owner removes the copy they see in their workspace.
    static func remove(_ command: RemoveSharedIntegration, by principal: Principal, share: ShareState?) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .resourceShare, to: "removing a shared integration")
        guard command.integrationID.isWellFormed else { throw .invalid("integration_id", "is not an integration id (int_...)") }
        guard let share, share.status == .accepted, share.reference.destinationWorkspaceID == caller.workspaceID, let copyID = share.copyIntegrationID
        else {
            throw Rejection(.notFound, "no integration shared into this workspace has the id '\(command.integrationID)'", field: "integration_id")
        }
        let removed = ShareRemoved(share: share.reference, copyIntegrationID: copyID, removedBy: caller.userID)
        return CommandOutcome(
            events: [DomainEvent(removed, subject: share.reference.sourceWorkspaceID.rawValue)],
            created: ["share_id": share.reference.shareID.rawValue, "status": ShareStatus.removed.rawValue]
        )
    }

    /// Accepted shares are revoked, pending requests cancelled; shares already ended are left alone.
    static func end(_ shares: [ShareState], by user: UserID?, cause: ShareEndCause) -> [DomainEvent] {
        shares.compactMap { share in
            let subject = share.reference.sourceWorkspaceID.rawValue
            switch share.status {
            case .accepted:
                guard let copyID = share.copyIntegrationID else { return nil }
                return DomainEvent(ShareRevoked(share: share.reference, copyIntegrationID: copyID, revokedBy: user, cause: cause), subject: subject)
            case .pending:
                return DomainEvent(ShareCancelled(share: share.reference, cancelledBy: user, cause: cause), subject: subject)
            default:
                return nil
            }
        }
    }

    /// Sharing's step of a saga: for a deactivation, every open share from and to the workspace ends;
    /// then the step is confirmed with what ended.
    static func sagaStep(_ operation: OperationReference, openShares: [ShareState]) -> [DomainEvent] {
        let ending = operation.kind == .deactivation ? openShares : []
        let confirmation = SharingStepCompleted(operation: operation, endedShares: endedByDeactivation(ending))
        return end(ending, by: nil, cause: .workspaceDeactivated) + [DomainEvent(confirmation, subject: operation.workspaceID.rawValue)]
    }

    /// The shares a deactivation ends, given the open shares from and to the workspace: the saga
    /// step and its preview both take them from here.
    static func endedByDeactivation(_ openShares: [ShareState]) -> [EndedShare] {
        openShares.map { EndedShare(share: $0.reference, statusBefore: $0.status) }
    }

    /// Pending requests past their expiry become expired.
    static func expire(_ shares: [ShareState], now: Date) -> [DomainEvent] {
        shares.filter { $0.status == .pending && $0.expiresAt <= now }
            .map { DomainEvent(ShareExpired(share: $0.reference), subject: $0.reference.sourceWorkspaceID.rawValue) }
    }
}
