import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Lifecycle

/// The deactivation preview, computed from the queries and the rule the saga step uses, lists
/// exactly what the step then changes, and computing it changes nothing.
extension LifecycleHandlerTests {
    func preview(_ workspace: WorkspaceID) throws -> LifecycleDeactivationPreview? {
        try store.reader.read { db in try WorkspaceReads.deactivationPreview(of: workspace, db: db) }
    }

    @Test func thePreviewListsExactlyWhatTheDeactivationThenChanges() throws {
        let (organization, credential) = try bootstrap()
        // Workflows fully on, on with triggers off, and off; a running and a finished execution; an
        // OAuth integration and a plain one; a second key, and a third one already revoked.
        let on = WorkflowID(rawValue: try run(ImportWorkflow(name: "A on", yaml: "steps: []\n"), as: credential).created["workflow_id"]!)
        let quiet = WorkflowID(rawValue: try run(ImportWorkflow(name: "B quiet", yaml: "steps: []\n"), as: credential).created["workflow_id"]!)
        let off = WorkflowID(rawValue: try run(ImportWorkflow(name: "C off", yaml: "steps: []\n"), as: credential).created["workflow_id"]!)
        _ = try run(SetWorkflowEnabled(workflowID: quiet, enabled: true, triggersEnabled: false), as: credential)
        _ = try run(SetWorkflowEnabled(workflowID: off, enabled: false), as: credential)
        _ = try run(PublishWorkflow(workflowID: on), as: credential)
        let running = ExecutionID(rawValue: try run(StartExecution(workflowID: on), as: credential).created["execution_id"]!)
        let finished = ExecutionID(rawValue: try run(StartExecution(workflowID: on), as: credential).created["execution_id"]!)
        _ = try run(FinishExecution(executionID: finished, outcome: .succeeded), as: credential)
        let oauth = IntegrationID(
            rawValue: try run(CreateIntegration(kind: .trigger, vendor: "okta", name: "Okta", oauth: true), as: credential).created["integration_id"]!
        )
        _ = try run(CreateIntegration(kind: .step, vendor: "x", name: "Plain"), as: credential)
        _ = try run(IssueAPIKey(), as: credential)
        let revoked = ClientID(rawValue: try run(IssueAPIKey(), as: credential).created["client_id"]!)
        _ = try run(RevokeAPIKey(clientID: revoked), as: credential)
        let workspace = try store.reader.read { db in try WorkspaceID.fetchOne(db, sql: "SELECT id FROM workspace")! }

        let before = try #require(try preview(workspace))
        #expect(try preview(workspace) == before, "computing the preview commits nothing")
        #expect(before.workspaceStatus == .active)
        #expect(before.workflowsToDisable.map(\.workflowID) == [on, quiet] && before.workflowsToDisable.last?.triggersEnabled == false)
        #expect(before.executionsToStop == [running] && before.integrationsToStop == [oauth])
        #expect(before.keysToRevoke.count == 2 && !before.keysToRevoke.contains(revoked))

        let operation = OperationReference(
            operationID: OperationID(rawValue: "op_1"),
            kind: .deactivation,
            workspaceID: workspace,
            organizationID: OrganizationID(rawValue: organization)
        )
        let events = try apply(DeactivationStarted(operation: operation, requestedBy: UserID(rawValue: "usr_x"), steps: [.lifecycle]))
        let deactivated = try #require(events.last?.message as? WorkspaceDeactivated)
        #expect(deactivated.workflows == before.workflowsToDisable)
        #expect(deactivated.stoppedExecutions == before.executionsToStop && deactivated.stoppedIntegrations == before.integrationsToStop)
        #expect(
            deactivated.revokedKeys == before.keysToRevoke && events.compactMap { ($0.message as? APIKeyRevoked)?.clientID } == before.keysToRevoke
        )
        // And the tables changed in exactly those rows.
        try store.reader.read { (db: Database) throws in
            #expect(
                try WorkflowID.fetchAll(db, sql: "SELECT workflow_id FROM deactivated_workflow ORDER BY workflow_id")
                    == before.workflowsToDisable.map(\.workflowID).sorted()
            )
            #expect(try ExecutionID.fetchAll(db, sql: "SELECT id FROM execution WHERE status = 'stopped'") == before.executionsToStop)
            #expect(try IntegrationID.fetchAll(db, sql: "SELECT id FROM integration WHERE refresh_state = 'stopped'") == before.integrationsToStop)
            #expect(
                try ClientID.fetchAll(
                    db,
                    sql: "SELECT client_id FROM api_key WHERE revoked_at IS NOT NULL AND client_id != ? ORDER BY client_id",
                    arguments: [revoked]
                ) == before.keysToRevoke
            )
        }

        // Afterwards nothing is left to change, and an unknown workspace has no preview.
        let after = try #require(try preview(workspace))
        #expect(
            after
                == LifecycleDeactivationPreview(
                    workspaceID: workspace,
                    workspaceStatus: .inactive,
                    workflowsToDisable: [],
                    executionsToStop: [],
                    integrationsToStop: [],
                    keysToRevoke: []
                )
        )
        #expect(try preview(WorkspaceID(rawValue: "ws_unknown")) == nil)
    }
}
