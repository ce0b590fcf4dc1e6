import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Lifecycle

/// Lifecycle's step of the deactivation and reactivation sagas, through the handler and SQLite.
extension LifecycleHandlerTests {
    func apply(_ event: any Message) throws -> [DomainEvent] {
        let envelope = Envelope(
            id: UUID().uuidString,
            type: type(of: event).messageType,
            source: "/tenancy/deactivation",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(event)
        )
        return try store.writer.write { db in try handler.apply(event, envelope: envelope, context: .live(commandID: envelope.id, now: now), db: db) }
    }

    @Test func deactivationStopsEverythingAndReactivationBringsItBackWithTriggersOff() throws {
        let (organization, credential) = try bootstrap()
        let workflow = try run(ImportWorkflow(name: "Triage", yaml: "steps: []\n"), as: credential).created["workflow_id"]!
        _ = try run(PublishWorkflow(workflowID: WorkflowID(rawValue: workflow)), as: credential)
        let execution = try run(StartExecution(workflowID: WorkflowID(rawValue: workflow)), as: credential).created["execution_id"]!
        let oauth = try run(CreateIntegration(kind: .trigger, vendor: "okta", name: "Okta", oauth: true), as: credential).created["integration_id"]!
        let workspace = try store.writer.read { db in try WorkspaceID.fetchOne(db, sql: "SELECT id FROM workspace")! }
        let operation = OperationReference(
            operationID: OperationID(rawValue: "op_1"),
            kind: .deactivation,
            workspaceID: workspace,
            organizationID: OrganizationID(rawValue: organization)
        )

        let events = try apply(DeactivationStarted(operation: operation, requestedBy: UserID(rawValue: "usr_x"), steps: [.lifecycle, .sharing]))
        let deactivated = try #require(events.last?.message as? WorkspaceDeactivated)
        #expect(
            events.dropLast().allSatisfy { $0.message is APIKeyRevoked } && deactivated.revokedKeys.count == events.count - 1
                && !deactivated.revokedKeys.isEmpty
        )
        #expect(deactivated.workflows.map(\.workflowID.rawValue) == [workflow] && deactivated.workflows.first?.triggersEnabled == true)
        #expect(deactivated.stoppedExecutions.map(\.rawValue) == [execution] && deactivated.stoppedIntegrations.map(\.rawValue) == [oauth])
        try store.writer.read { (db: Database) throws in
            #expect(try String.fetchOne(db, sql: "SELECT status FROM workspace") == "inactive")
            #expect(
                try Row.fetchOne(db, sql: "SELECT enabled, triggers_enabled FROM workflow").map { [$0[0] as Bool, $0[1] as Bool] } == [false, false]
            )
            #expect(try String.fetchOne(db, sql: "SELECT status FROM execution") == "stopped")
            #expect(try String.fetchOne(db, sql: "SELECT refresh_state FROM integration") == "stopped")
        }
        #expect { try run(ImportWorkflow(name: "Other", yaml: "steps: []\n"), as: credential) } throws: {
            ($0 as! Rejection).code == .unauthenticated
        }

        // A retry of the step finds nothing left to do and confirms again.
        let again = try apply(SagaStepRetried(operation: operation, step: .lifecycle, attempt: 2))
        #expect(again.count == 1 && (again.first?.message as? WorkspaceDeactivated)?.workflows.isEmpty == true)

        var reactivation = operation
        reactivation.operationID = OperationID(rawValue: "op_2")
        reactivation.kind = .reactivation
        let back = try #require(try apply(ReactivationStarted(operation: reactivation, steps: [.lifecycle])).first?.message as? WorkspaceReactivated)
        #expect(back.workflowsBefore.first?.enabled == true && back.integrationsToReconfigure.map(\.rawValue) == [oauth])
        try store.writer.read { (db: Database) throws in
            #expect(try String.fetchOne(db, sql: "SELECT status FROM workspace") == "active")
            #expect(
                try Row.fetchOne(db, sql: "SELECT enabled, triggers_enabled FROM workflow").map { [$0[0] as Bool, $0[1] as Bool] } == [true, false]
            )
            #expect(try String.fetchOne(db, sql: "SELECT refresh_state FROM integration") == "needs_reconfiguration")
        }
        #expect { try run(ImportWorkflow(name: "Other", yaml: "steps: []\n"), as: credential) } throws: {
            ($0 as! Rejection).message.contains("revoked")
        }
    }
}
