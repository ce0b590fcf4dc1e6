import Foundation
import Models

/// A destination Owner with `resource.share`, using a key of the destination, accepts or denies a
/// request while it is pending and not past its expiry.
enum ShareDecisionRules {
    static let maxReasonLength = 500

    static func accept(
        _ command: AcceptShareRequest,
        by principal: Principal,
        share: ShareState?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .resourceShare, to: "accepting a share request")
        let share = try pending(command.shareID, share, decidedBy: caller, now: context.now)
        let copyID: IntegrationID = context.newID("copy")
        let accepted = ShareAccepted(share: share.reference, copyIntegrationID: copyID, acceptedBy: caller.userID, automatic: false)
        return CommandOutcome(
            events: [DomainEvent(accepted, subject: share.reference.sourceWorkspaceID.rawValue)],
            created: ["share_id": command.shareID.rawValue, "status": ShareStatus.accepted.rawValue, "copy_integration_id": copyID.rawValue]
        )
    }

    static func deny(
        _ command: DenyShareRequest,
        by principal: Principal,
        share: ShareState?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .resourceShare, to: "denying a share request")
        let reason = try reasonText(command.reason)
        let share = try pending(command.shareID, share, decidedBy: caller, now: context.now)
        return CommandOutcome(
            events: [
                DomainEvent(
                    ShareDenied(share: share.reference, deniedBy: caller.userID, reason: reason),
                    subject: share.reference.sourceWorkspaceID.rawValue
                )
            ],
            created: ["share_id": command.shareID.rawValue, "status": ShareStatus.denied.rawValue]
        )
    }

    /// The share, when the caller's workspace is its destination and it still awaits a decision.
    private static func pending(_ id: ShareID, _ share: ShareState?, decidedBy caller: Caller, now: Date) throws(Rejection) -> ShareState {
        guard id.isWellFormed else { throw .invalid("share_id", "is not a share id (shr_...)") }
        guard let share, share.reference.destinationWorkspaceID == caller.workspaceID || share.reference.sourceWorkspaceID == caller.workspaceID
        else {
            throw Rejection(.notFound, "no share request '\(id)' involves this workspace", field: "share_id")
        }
        guard share.reference.destinationWorkspaceID == caller.workspaceID else {
            throw Rejection(
                .forbidden,
                "only an Owner of the destination workspace '\(share.reference.destinationWorkspaceID)' can decide, with a key of that workspace"
            )
        }
        guard share.status == .pending else {
            throw Rejection(.notPending, "share request '\(id)' is already \(share.status.rawValue)")
        }
        guard now < share.expiresAt else {
            throw Rejection(.notPending, "share request '\(id)' expired at \(Timestamp.format(share.expiresAt)); ask the sharer to send a new one")
        }
        return share
    }

    /// Optional free text: trimmed, at most 500 characters, no control characters other than newlines
    /// and no bidirectional formatting characters (the reason is quoted in the sharer's email).
    private static func reasonText(_ value: String?) throws(Rejection) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= maxReasonLength else { throw .invalid("reason", "must be at most \(maxReasonLength) characters") }
        guard trimmed.unicodeScalars.allSatisfy({ $0 == "\n" || $0.properties.generalCategory != .control }) else {
            throw .invalid("reason", "must not contain control characters")
        }
        guard !trimmed.unicodeScalars.contains(where: \.properties.isBidiControl) else {
            throw .invalid("reason", "must not contain bidirectional formatting characters")
        }
        return trimmed
    }
}
