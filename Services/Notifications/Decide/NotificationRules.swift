import Directory
import Foundation
import Hashing
import Models

/// What the rules know about the people and workspaces an event names, read from the directory
/// replica when the event is applied (recipients are resolved at the time of the event).
struct Audience: Sendable {
    var owners: [WorkspaceID: [DirectoryMember]] = [:]
    var emails: [UserID: String] = [:]
    var workspaceNames: [WorkspaceID: String] = [:]

    func name(_ workspace: WorkspaceID) -> String { workspaceNames[workspace] ?? workspace.rawValue }
}

/// One email to write: its kind, the workspace whose history it belongs to, the address, and the
/// values its templates show.
struct PlannedNotification: Sendable, Hashable {
    var kind: NotificationKind
    var workspaceID: WorkspaceID
    var recipient: String
    var values: [String: String]
    /// For an invitation, what its token is made from: the token takes the place of
    /// ``InvitationTokenSource/placeholder`` only in the email as it is sent.
    var invitationToken: InvitationTokenSource? = nil
}

/// An invitation's id and nonce, from which the invitation key makes its token. Both are public;
/// the token is computed only by the delivery, and is never stored, published or logged.
struct InvitationTokenSource: Sendable, Hashable {
    /// What the stored and published copies of an invitation email show where the token goes. Made
    /// of characters that neither HTML escaping nor the text templates change.
    static let placeholder = "[token-only-in-the-email-to-the-invitee]"

    var invitationID: InvitationID
    var nonce: String

    /// `body` as the invitee gets it: with the token in place of the placeholder.
    func filling(_ body: String, key: InvitationTokenKey) -> String {
        body.replacingOccurrences(of: Self.placeholder, with: key.token(invitationID: invitationID.rawValue, nonce: nonce))
    }
}

/// Who must be told what about an event. Pure: the event and the audience in, emails out.
enum NotificationRules {
    /// The workspaces and users an event names, to load the audience for.
    static func references(_ event: any Message) -> (workspaces: Set<WorkspaceID>, users: Set<UserID>) {
        switch event {
        case let event as ShareRequested: share(event.share)
        case let event as ShareAccepted: share(event.share, event.acceptedBy)
        case let event as ShareDenied: share(event.share, event.deniedBy)
        case let event as ShareRevoked: share(event.share)
        case let event as ShareRemoved: share(event.share, event.removedBy)
        case let event as ShareExpired: share(event.share)
        case let event as SharingStepCompleted:
            (Set(event.endedShares.flatMap { [$0.share.sourceWorkspaceID, $0.share.destinationWorkspaceID] }), [])
        case let event as InvitationSent: ([event.workspaceID], [event.invitedBy])
        case let event as DeactivationStarted: ([event.operation.workspaceID], [event.requestedBy])
        case let event as DeactivationCompleted: ([event.operation.workspaceID], [])
        case let event as ReactivationCompleted: ([event.operation.workspaceID], [])
        default: ([], [])
        }
    }

    private static func share(_ share: ShareReference, _ actor: UserID? = nil) -> (workspaces: Set<WorkspaceID>, users: Set<UserID>) {
        ([share.sourceWorkspaceID, share.destinationWorkspaceID], Set([share.requestedBy] + (actor.map { [$0] } ?? [])))
    }

    static func plan(_ event: any Message, audience: Audience) -> [PlannedNotification] {
        switch event {
        case let event as ShareRequested where event.needsApproval:
            var values = shareValues(event.share, audience)
            values["expires_at"] = Timestamp.format(event.expiresAt)
            values["accept_command"] = "tenancy share accept \(event.share.shareID)"
            values["deny_command"] = "tenancy share deny \(event.share.shareID) --reason \"...\""
            return owners(of: event.share.destinationWorkspaceID, .shareRequested, values, audience)
        case let event as ShareAccepted where !event.automatic:
            var values = shareValues(event.share, audience)
            values["decided_by"] = audience.emails[event.acceptedBy]
            return sharer(event.share, .shareAccepted, values, audience)
        case let event as ShareDenied:
            var values = shareValues(event.share, audience)
            values["decided_by"] = audience.emails[event.deniedBy]
            values["reason"] = event.reason
            return sharer(event.share, .shareDenied, values, audience)
        case let event as ShareRevoked where event.cause != .workspaceDeactivated:
            var values = shareValues(event.share, audience)
            values["cause"] =
                event.cause == .sourceIntegrationDeleted
                ? "the integration was deleted in \(audience.name(event.share.sourceWorkspaceID))"
                : "\(audience.name(event.share.sourceWorkspaceID)) stopped sharing it"
            return owners(of: event.share.destinationWorkspaceID, .shareRevoked, values, audience)
        case let event as ShareRemoved:
            var values = shareValues(event.share, audience)
            values["removed_by"] = audience.emails[event.removedBy]
            return owners(of: event.share.sourceWorkspaceID, .shareRemoved, values, audience)
        case let event as ShareExpired:
            return sharer(event.share, .shareExpired, shareValues(event.share, audience), audience)
        case let event as SharingStepCompleted where event.operation.kind == .deactivation:
            return event.endedShares.flatMap { ended -> [PlannedNotification] in
                let deactivated = event.operation.workspaceID
                let other = ended.share.sourceWorkspaceID == deactivated ? ended.share.destinationWorkspaceID : ended.share.sourceWorkspaceID
                var values = shareValues(ended.share, audience)
                values["deactivated_workspace"] = audience.name(deactivated)
                values["deactivated_workspace_id"] = deactivated.rawValue
                values["status_before"] = ended.statusBefore.rawValue
                values["direction"] = other == ended.share.destinationWorkspaceID ? "shared with your workspace" : "shared by your workspace"
                return owners(of: other, .shareEndedByDeactivation, values, audience)
            }
        case let event as InvitationSent:
            // An invitation from before tokens went by email: its inviter was shown the token.
            let source = event.tokenNonce.map { InvitationTokenSource(invitationID: event.invitationID, nonce: $0) }
            let token = source == nil ? "<the token you were given>" : InvitationTokenSource.placeholder
            let values = [
                "workspace": audience.name(event.workspaceID), "workspace_id": event.workspaceID.rawValue, "role": event.role.rawValue,
                "expires_at": Timestamp.format(event.expiresAt), "invitation_id": event.invitationID.rawValue,
                "invited_by": audience.emails[event.invitedBy] ?? "a workspace admin", "token": token,
                "accept_command": "TENANCY_INVITATION_TOKEN=\(token) tenancy user accept \(event.invitationID)",
            ]
            return [
                PlannedNotification(
                    kind: .invitationSent,
                    workspaceID: event.workspaceID,
                    recipient: event.email,
                    values: values,
                    invitationToken: source
                )
            ]
        case let event as DeactivationStarted:
            var values = operationValues(event.operation, audience)
            values["requested_by"] = audience.emails[event.requestedBy]
            return owners(of: event.operation.workspaceID, .deactivationStarted, values, audience)
        case let event as DeactivationCompleted:
            return owners(of: event.operation.workspaceID, .deactivationCompleted, operationValues(event.operation, audience), audience)
        case let event as ReactivationCompleted:
            return owners(of: event.operation.workspaceID, .reactivationCompleted, operationValues(event.operation, audience), audience)
        default:
            return []
        }
    }

    private static func owners(
        of workspace: WorkspaceID,
        _ kind: NotificationKind,
        _ values: [String: String],
        _ audience: Audience
    ) -> [PlannedNotification] {
        Set((audience.owners[workspace] ?? []).map(\.email)).sorted().map {
            PlannedNotification(kind: kind, workspaceID: workspace, recipient: $0, values: values)
        }
    }

    private static func sharer(
        _ share: ShareReference,
        _ kind: NotificationKind,
        _ values: [String: String],
        _ audience: Audience
    ) -> [PlannedNotification] {
        guard let email = audience.emails[share.requestedBy] else { return [] }
        return [PlannedNotification(kind: kind, workspaceID: share.sourceWorkspaceID, recipient: email, values: values)]
    }

    private static func shareValues(_ share: ShareReference, _ audience: Audience) -> [String: String] {
        [
            "share_id": share.shareID.rawValue, "integration_name": share.integrationName, "integration_kind": share.integrationKind.rawValue,
            "integration_id": share.integrationID.rawValue,
            "source_workspace": audience.name(share.sourceWorkspaceID), "source_workspace_id": share.sourceWorkspaceID.rawValue,
            "destination_workspace": audience.name(share.destinationWorkspaceID), "destination_workspace_id": share.destinationWorkspaceID.rawValue,
            "sharer": audience.emails[share.requestedBy] ?? share.requestedBy.rawValue,
        ]
    }

    private static func operationValues(_ operation: OperationReference, _ audience: Audience) -> [String: String] {
        [
            "workspace": audience.name(operation.workspaceID), "workspace_id": operation.workspaceID.rawValue,
            "operation_id": operation.operationID.rawValue, "status_command": "tenancy workspace status \(operation.workspaceID)",
        ]
    }
}
