import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Sharing

/// Sharing's step of the deactivation and reactivation sagas.
extension SharingHandlerTests {
    @Test func deactivationEndsSharesInBothDirectionsAndConfirms() throws {
        try seed()
        try lifecycle(
            IntegrationCreated(
                integration: IntegrationSnapshot(
                    workspaceID: destination,
                    integrationID: IntegrationID(rawValue: "int_theirs"),
                    kind: .secret,
                    vendor: "vault",
                    name: "Vault",
                    parameters: [:],
                    secretFields: ["token"],
                    refreshState: nil
                )
            )
        )
        let outgoing = try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source).created[
            "share_id"
        ]!
        try lifecycle(MemberAdded(workspaceID: source, userID: destinationOwner, email: "boss@acme.example", role: .owner))
        let incoming = try run(
            CreateShareRequest(integrationID: IntegrationID(rawValue: "int_theirs"), destinationWorkspaceID: source),
            as: destinationOwner,
            in: destination
        )
        #expect(incoming.created["status"] == "accepted")

        let preview = try store.reader.read { db in try SharingReads.deactivationPreview(of: source, db: db) }
        let operation = OperationReference(
            operationID: OperationID(rawValue: "op_1"),
            kind: .deactivation,
            workspaceID: source,
            organizationID: organization
        )
        let events = try lifecycle(DeactivationStarted(operation: operation, requestedBy: owner, steps: [.lifecycle, .sharing]))
        let confirmation = try #require(events.last?.message as? SharingStepCompleted)
        #expect(preview?.sharesToEnd == confirmation.endedShares, "the preview names exactly what the saga step then ends")
        #expect(try store.reader.read { db in try SharingReads.deactivationPreview(of: source, db: db) }?.sharesToEnd.isEmpty == true)
        #expect(try store.reader.read { db in try SharingReads.deactivationPreview(of: WorkspaceID(rawValue: "ws_unknown"), db: db) } == nil)
        #expect(Set(confirmation.endedShares.map(\.share.shareID.rawValue)) == [outgoing, incoming.created["share_id"]!])
        #expect(events.contains { ($0.message as? ShareCancelled)?.cause == .workspaceDeactivated })
        #expect(events.contains { ($0.message as? ShareRevoked)?.cause == .workspaceDeactivated })
        #expect(try status(outgoing) == "cancelled" && (try status(incoming.created["share_id"]!)) == "revoked")
        // The workspace is inactive here too: its keys are refused at once.
        #expect { try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source) } throws: {
            code($0) == .workspaceInactive
        }

        let retried = try lifecycle(SagaStepRetried(operation: operation, step: .sharing, attempt: 2))
        #expect(retried.count == 1 && (retried.first?.message as? SharingStepCompleted)?.endedShares.isEmpty == true)
        #expect(try lifecycle(SagaStepRetried(operation: operation, step: .lifecycle, attempt: 2)).isEmpty, "another service's step")

        var reactivation = operation
        reactivation.kind = .reactivation
        let back = try lifecycle(ReactivationStarted(operation: reactivation, steps: [.lifecycle, .sharing]))
        #expect(back.count == 1 && back.first?.message is SharingStepCompleted)
        #expect(
            try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source).created["share_id"]
                != nil
        )
    }
}
