import Directory
import Foundation
import Models
import Testing

@testable import Notifications

let organization = OrganizationID(rawValue: "org_acme")
let source = WorkspaceID(rawValue: "ws_source")
let destination = WorkspaceID(rawValue: "ws_dest")
let sharer = UserID(rawValue: "usr_sharer")
let decider = UserID(rawValue: "usr_boss")
let share = ShareReference(
    shareID: ShareID(rawValue: "shr_1"),
    organizationID: organization,
    integrationID: IntegrationID(rawValue: "int_1"),
    integrationKind: .step,
    integrationName: "Slack <alerts>",
    sourceWorkspaceID: source,
    destinationWorkspaceID: destination,
    requestedBy: sharer
)

func member(_ email: String) -> DirectoryMember {
    DirectoryMember(userID: UserID(rawValue: "usr_" + email.prefix { $0 != "@" }), email: email, role: .owner)
}

let audience = Audience(
    owners: [source: [member("src1@acme.example"), member("src2@acme.example")], destination: [member("dst@acme.example")]],
    emails: [sharer: "sharer@acme.example", decider: "boss@acme.example"],
    workspaceNames: [source: "Source", destination: "Dest"]
)

@Suite("Notification rules")
struct NotificationRulesTests {
    func plan(_ event: any Message) -> [PlannedNotification] { NotificationRules.plan(event, audience: audience) }
    func recipients(_ event: any Message) -> [String] { plan(event).map(\.recipient) }

    @Test func shareEventsReachTheRightPeople() {
        let expires = Date(timeIntervalSince1970: 1_900_000_000)
        let requested = plan(ShareRequested(share: share, needsApproval: true, expiresAt: expires))
        #expect(
            requested.map(\.recipient) == ["dst@acme.example"] && requested.first?.kind == .shareRequested
                && requested.first?.workspaceID == destination
        )
        #expect(
            requested.first?.values["accept_command"] == "tenancy share accept shr_1" && requested.first?.values["sharer"] == "sharer@acme.example"
        )
        #expect(recipients(ShareRequested(share: share, needsApproval: false, expiresAt: expires)).isEmpty, "auto-accepted: nobody must decide")

        let copy = IntegrationID(rawValue: "int_copy")
        #expect(recipients(ShareAccepted(share: share, copyIntegrationID: copy, acceptedBy: decider, automatic: false)) == ["sharer@acme.example"])
        #expect(recipients(ShareAccepted(share: share, copyIntegrationID: copy, acceptedBy: sharer, automatic: true)).isEmpty)
        let denied = plan(ShareDenied(share: share, deniedBy: decider, reason: "not needed"))
        #expect(
            denied.map(\.recipient) == ["sharer@acme.example"] && denied.first?.values["reason"] == "not needed"
                && denied.first?.values["decided_by"] == "boss@acme.example"
        )
        #expect(recipients(ShareRevoked(share: share, copyIntegrationID: copy, revokedBy: sharer, cause: .revokedBySource)) == ["dst@acme.example"])
        #expect(
            recipients(ShareRevoked(share: share, copyIntegrationID: copy, revokedBy: nil, cause: .sourceIntegrationDeleted)) == ["dst@acme.example"]
        )
        #expect(
            recipients(ShareRevoked(share: share, copyIntegrationID: copy, revokedBy: nil, cause: .workspaceDeactivated)).isEmpty,
            "told through the saga's confirmation"
        )
        #expect(recipients(ShareRemoved(share: share, copyIntegrationID: copy, removedBy: decider)) == ["src1@acme.example", "src2@acme.example"])
        #expect(recipients(ShareExpired(share: share)) == ["sharer@acme.example"])
    }

    @Test func aDeactivationTellsItsOwnersAndTheOtherSideOfEachShare() {
        let operation = OperationReference(
            operationID: OperationID(rawValue: "op_1"),
            kind: .deactivation,
            workspaceID: source,
            organizationID: organization
        )
        let started = plan(DeactivationStarted(operation: operation, requestedBy: sharer, steps: [.lifecycle, .sharing]))
        #expect(started.map(\.recipient) == ["src1@acme.example", "src2@acme.example"] && started.allSatisfy { $0.kind == .deactivationStarted })
        #expect(recipients(DeactivationCompleted(operation: operation)) == ["src1@acme.example", "src2@acme.example"])
        #expect(recipients(ReactivationCompleted(operation: operation)) == ["src1@acme.example", "src2@acme.example"])
        let ended = plan(SharingStepCompleted(operation: operation, endedShares: [EndedShare(share: share, statusBefore: .accepted)]))
        #expect(
            ended.map(\.recipient) == ["dst@acme.example"] && ended.first?.kind == .shareEndedByDeactivation
                && ended.first?.workspaceID == destination
        )
        var reactivation = operation
        reactivation.kind = .reactivation
        #expect(recipients(SharingStepCompleted(operation: reactivation, endedShares: [])).isEmpty)
    }

    @Test func anInvitationGoesToTheInvitedAddress() {
        let invitation = InvitationSent(
            invitationID: InvitationID(rawValue: "inv_1"),
            workspaceID: destination,
            email: "new@acme.example",
            role: .operator,
            expiresAt: Date(timeIntervalSince1970: 1_900_000_000),
            invitedBy: decider,
            tokenHash: "ab",
            tokenNonce: "nonce"
        )
        let planned = plan(invitation)
        #expect(
            planned.map(\.recipient) == ["new@acme.example"] && planned.first?.values["role"] == "operator"
                && planned.first?.values["workspace"] == "Dest"
        )
        #expect(planned.first?.values.values.contains("ab") == false, "the token hash is never shown")
        // Where the token goes, the plan holds a placeholder; the delivery makes the token from the id and the nonce.
        #expect(planned.first?.invitationToken == InvitationTokenSource(invitationID: invitation.invitationID, nonce: "nonce"))
        #expect(planned.first?.values["accept_command"] == "TENANCY_INVITATION_TOKEN=\(InvitationTokenSource.placeholder) tenancy user accept inv_1")
        var legacy = invitation
        legacy.tokenNonce = nil
        #expect(plan(legacy).first?.invitationToken == nil, "an invitation from before: its inviter was given the token")
    }
}
