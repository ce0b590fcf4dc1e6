import Directory
import Foundation
import Models

/// Asking to share: an Owner of the source with `resource.share`, in an organization with
/// `cross_workspace_sharing`, shares a local integration with other active workspaces of the
/// organization they belong to. Accepted at once where they are also an Owner, pending elsewhere.
/// That Owner role is the key's user's: sound because a user id stands for one person who proved
/// each membership (an invitation's token reaches only the invited inbox, within one organization),
/// so it is the sharer, who could accept by hand anyway (docs/decisions.md, Security).
enum ShareRequestRules {
    static let defaultExpiryDays = 7
    static let maxExpiryDays = 30
    static let maxBulk = 50

    static func create(
        _ command: CreateShareRequest,
        by principal: Principal,
        source: ShareSource,
        destination: ShareDestination,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let (caller, integration, days) = try checkSource(command.integrationID, command.expiresInDays, by: principal, source: source)
        let made = try share(
            integration,
            with: command.destinationWorkspaceID,
            destination,
            field: "destination_workspace_id",
            by: caller,
            days: days,
            label: "share",
            context: context
        )
        return CommandOutcome(events: made.events, created: made.created)
    }

    /// Each destination is decided on its own: one that is refused does not stop the others.
    static func bulkCreate(
        _ command: BulkCreateShareRequests,
        by principal: Principal,
        source: ShareSource,
        destinations: [WorkspaceID: ShareDestination],
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let (caller, integration, days) = try checkSource(command.integrationID, command.expiresInDays, by: principal, source: source)
        guard (1...maxBulk).contains(command.destinationWorkspaceIDs.count) else {
            throw .invalid("destination_workspace_ids", "give 1 to \(maxBulk) destination workspaces")
        }
        var events: [DomainEvent] = []
        var items: [ItemResult] = []
        var seen: Set<WorkspaceID> = []
        for (index, destinationID) in command.destinationWorkspaceIDs.enumerated() {
            let field = "destination_workspace_ids.\(index)"
            do throws(Rejection) {
                guard seen.insert(destinationID).inserted else { throw .invalid(field, "appears more than once in this request") }
                let made = try share(
                    integration,
                    with: destinationID,
                    destinations[destinationID] ?? ShareDestination(),
                    field: field,
                    by: caller,
                    days: days,
                    label: "share.\(index)",
                    context: context
                )
                events += made.events
                items.append(ItemResult(index: index, status: .accepted, created: made.created))
            } catch {
                items.append(ItemResult(index: index, status: .rejected, error: error))
            }
        }
        return CommandOutcome(events: events, items: items)
    }

    private static func checkSource(
        _ integrationID: IntegrationID,
        _ expiresInDays: Int?,
        by principal: Principal,
        source: ShareSource
    ) throws(Rejection) -> (Caller, IntegrationState, Int) {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .resourceShare, to: "sharing an integration")
        guard source.features.contains(.crossWorkspaceSharing) else {
            throw Rejection(
                .featureDisabled,
                "cross-workspace sharing is not enabled for this organization; an operator can enable 'cross_workspace_sharing'"
            )
        }
        let days = expiresInDays ?? defaultExpiryDays
        guard (1...maxExpiryDays).contains(days) else { throw .invalid("expires_in_days", "must be 1 to \(maxExpiryDays)") }
        guard integrationID.isWellFormed else { throw .invalid("integration_id", "is not an integration id (int_...)") }
        if source.isSharedCopy {
            throw Rejection(
                .cannotShareASharedCopy,
                "integration '\(integrationID)' is shared into this workspace from another; only its source workspace can share it",
                field: "integration_id"
            )
        }
        guard let integration = source.integration, integration.workspaceID == caller.workspaceID else {
            throw Rejection(.notFound, "no integration '\(integrationID)' in this workspace", field: "integration_id")
        }
        return (caller, integration, days)
    }

    private static func share(
        _ integration: IntegrationState,
        with destinationID: WorkspaceID,
        _ destination: ShareDestination,
        field: String,
        by caller: Caller,
        days: Int,
        label: String,
        context: DecisionContext
    ) throws(Rejection) -> (events: [DomainEvent], created: [String: String]) {
        guard destinationID.isWellFormed else { throw .invalid(field, "is not a workspace id (ws_...)") }
        guard destinationID != caller.workspaceID else { throw .invalid(field, "is the integration's own workspace") }
        guard let workspace = destination.workspace, workspace.organizationID == caller.organizationID else {
            throw Rejection(.notFound, "no workspace '\(destinationID)' in this organization", field: field)
        }
        guard workspace.status == .active else {
            throw Rejection(.workspaceInactive, "workspace '\(destinationID)' is deactivated and cannot receive shares", field: field)
        }
        guard let role = destination.callerRole else {
            throw Rejection(
                .notAMember,
                "you can only share with workspaces you are a member of; you are not a member of '\(destinationID)'",
                field: field
            )
        }
        if let open = destination.openShare {
            throw Rejection(
                .alreadyShared,
                "integration '\(integration.id)' is already shared with '\(destinationID)' (share '\(open)')",
                field: field
            )
        }
        let reference = ShareReference(
            shareID: context.newID(label),
            organizationID: caller.organizationID,
            integrationID: integration.id,
            integrationKind: integration.kind,
            integrationName: integration.name,
            sourceWorkspaceID: caller.workspaceID,
            destinationWorkspaceID: destinationID,
            requestedBy: caller.userID
        )
        let automatic = role == .owner
        let expiresAt = context.now.addingTimeInterval(TimeInterval(days) * 86_400)
        var events = [
            DomainEvent(ShareRequested(share: reference, needsApproval: !automatic, expiresAt: expiresAt), subject: caller.workspaceID.rawValue)
        ]
        var created = ["share_id": reference.shareID.rawValue, "status": ShareStatus.pending.rawValue]
        if automatic {
            let copyID: IntegrationID = context.newID(label + ".copy")
            events.append(
                DomainEvent(
                    ShareAccepted(share: reference, copyIntegrationID: copyID, acceptedBy: caller.userID, automatic: true),
                    subject: caller.workspaceID.rawValue
                )
            )
            created["status"] = ShareStatus.accepted.rawValue
            created["copy_integration_id"] = copyID.rawValue
        }
        return (events, created)
    }
}
