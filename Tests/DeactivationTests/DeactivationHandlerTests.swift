import Directory
import Foundation
import GRDB
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Deactivation

/// The handler over a real (in-memory) SQLite database: commands against the directory replica, the
/// participants' confirmations, completion, retries, failure and a late confirmation.
@Suite("Deactivation handler with SQLite")
struct DeactivationHandlerTests {
    let store: ServiceStore
    let handler = DeactivationHandler(
        authenticator: TestKeys.authenticator(for: "deactivation"),
        settings: SagaSettings(stepTimeout: 10, maxAttempts: 2)
    )
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let ownerKey = Credential.apiKey(clientID: ClientID(rawValue: "key_owner"), secret: "owner-secret")

    init() throws {
        store = try ServiceStore(path: nil, migrations: DeactivationMigrations.register)
        for event: any Message in [
            OrganizationCreated(organizationID: organization, name: "Acme"),
            OrganizationFeaturesChanged(organizationID: organization, enabled: [.workspaceDeactivation]),
            WorkspaceCreated(workspaceID: workspace, organizationID: organization, name: "Target", createdBy: nil),
            MemberAdded(workspaceID: workspace, userID: owner, email: "owner@acme.example", role: .owner),
            APIKeyIssued(
                clientID: ClientID(rawValue: "key_owner"),
                workspaceID: workspace,
                userID: owner,
                scopes: Array(Scope.all),
                signingKeys: TestKeys.signingKeys(of: "owner-secret", clientID: ClientID(rawValue: "key_owner")),
                issuerRole: .owner,
                expiresAt: nil
            ),
        ] {
            _ = try apply(event)
        }
    }

    func apply(_ event: any Message) throws -> [DomainEvent] {
        let envelope = Envelope(
            id: UUID().uuidString,
            type: type(of: event).messageType,
            source: "/t",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(event)
        )
        return try store.writer.write { db in try handler.follow(event, envelope: envelope, context: .live(commandID: envelope.id, now: now), db: db)
        }
    }

    func run<M: Message>(_ command: M, as credential: Credential) throws -> CommandOutcome {
        let envelope = Envelope(
            id: UUID().uuidString,
            type: M.messageType,
            source: "/t",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(command)
        ).signed(by: credential, for: "deactivation")
        return try store.writer.write { db in
            let sender = try handler.authenticate(command, envelope: envelope, now: now, db: db)
            return try handler.handle(command, from: sender, envelope: envelope, context: .live(commandID: envelope.id, now: now), db: db)
        }
    }

    func housekeep(after seconds: TimeInterval) throws -> [DomainEvent] {
        try store.writer.write { db in
            try handler.housekeep(context: .live(commandID: UUID().uuidString, now: now.addingTimeInterval(seconds)), db: db)
        }
    }

    func status(_ operation: String) throws -> String? {
        try store.writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM operation WHERE id = ?", arguments: [operation]) }
    }

    func lifecycleDone(_ operation: OperationID) -> WorkspaceDeactivated {
        WorkspaceDeactivated(
            workspaceID: workspace,
            operationID: operation,
            workflows: [WorkflowSwitches(workflowID: WorkflowID(rawValue: "wf_1"), name: "Triage", enabled: true, triggersEnabled: false)],
            stoppedExecutions: [],
            stoppedIntegrations: [],
            revokedKeys: [ClientID(rawValue: "key_owner")]
        )
    }

    /// The target's Owner also owns Home and holds a key there: that key cannot deactivate the
    /// target, though its user id is an Owner of it. Only a key of the target can.
    @Test func anOwnersKeyOfAnotherWorkspaceCannotDeactivateTheTarget() throws {
        let home = WorkspaceID(rawValue: "ws_home")
        for event: any Message in [
            WorkspaceCreated(workspaceID: home, organizationID: organization, name: "Home", createdBy: nil),
            MemberAdded(workspaceID: home, userID: owner, email: "owner@acme.example", role: .owner),
            APIKeyIssued(
                clientID: ClientID(rawValue: "key_home"),
                workspaceID: home,
                userID: owner,
                scopes: Array(Scope.all),
                signingKeys: TestKeys.signingKeys(of: "home-secret", clientID: ClientID(rawValue: "key_home")),
                issuerRole: .owner,
                expiresAt: nil
            ),
        ] {
            _ = try apply(event)
        }
        let homeKey = Credential.apiKey(clientID: ClientID(rawValue: "key_home"), secret: "home-secret")
        #expect { try run(DeactivateWorkspace(workspaceID: workspace), as: homeKey) } throws: { code($0) == .forbidden }
        #expect(try run(DeactivateWorkspace(workspaceID: workspace), as: ownerKey).created["status"] == "deactivating")
    }

    @Test func aDeactivationCompletesWhenBothStepsConfirmOnce() throws {
        let started = try run(DeactivateWorkspace(workspaceID: workspace), as: ownerKey)
        let operation = OperationID(rawValue: try #require(started.created["operation_id"]))
        let reference = OperationReference(operationID: operation, kind: .deactivation, workspaceID: workspace, organizationID: organization)
        // The workspace is inactive here at once: a second request is refused, racing or not.
        #expect { try run(DeactivateWorkspace(workspaceID: workspace), as: ownerKey) } throws: { code($0) == .workspaceInactive }
        #expect { try run(ReactivateWorkspace(workspaceID: workspace), as: TestKeys.operatorCredential) } throws: {
            code($0) == .operationInProgress
        }
        #expect(try apply(lifecycleDone(operation)).isEmpty)
        #expect(try apply(lifecycleDone(operation)).isEmpty, "a repeated confirmation counts once")
        let completion = try apply(SharingStepCompleted(operation: reference, endedShares: []))
        #expect(completion.count == 1 && completion.first?.message is DeactivationCompleted)
        #expect(try status(operation.rawValue) == "completed")
        #expect(try apply(SharingStepCompleted(operation: reference, endedShares: [])).isEmpty)

        // Reactivation lists the switches from before, and completes the same way.
        let reactivated = try run(ReactivateWorkspace(workspaceID: workspace), as: TestKeys.operatorCredential)
        #expect(reactivated.items?.first?.created["workflow_id"] == "wf_1" && reactivated.items?.first?.created["enabled_before"] == "true")
        #expect { try run(ReactivateWorkspace(workspaceID: workspace), as: TestKeys.operatorCredential) } throws: {
            code($0) == .operationInProgress
        }
    }

    @Test func aSilentStepIsRetriedThenFailedAndALateConfirmationCompletes() throws {
        let started = try run(DeactivateWorkspace(workspaceID: workspace), as: ownerKey)
        let operation = OperationID(rawValue: try #require(started.created["operation_id"]))
        _ = try apply(lifecycleDone(operation))
        #expect(try housekeep(after: 9).isEmpty)
        let retry = try #require(try housekeep(after: 10).first?.message as? SagaStepRetried)
        #expect(retry.step == .sharing && retry.attempt == 2)
        #expect(try housekeep(after: 15).isEmpty, "the retry restarted the clock")
        let failed = try #require(try housekeep(after: 20).first?.message as? OperationFailed)
        #expect(failed.step == .sharing)
        #expect(try status(operation.rawValue) == "failed")
        #expect(try housekeep(after: 60).isEmpty, "a failed operation is not retried further")
        let reference = OperationReference(operationID: operation, kind: .deactivation, workspaceID: workspace, organizationID: organization)
        #expect(try apply(SharingStepCompleted(operation: reference, endedShares: [])).first?.message is DeactivationCompleted)
        #expect(try status(operation.rawValue) == "completed")
    }
}
