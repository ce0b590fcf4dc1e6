import Directory
import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Deactivation

let organization = OrganizationID(rawValue: "org_acme")
let workspace = WorkspaceID(rawValue: "ws_target")
let owner = UserID(rawValue: "usr_owner")

func member(role: Role = .owner, scopes: Set<Scope> = Scope.all, in home: WorkspaceID = workspace) -> Principal {
    .member(
        Caller(
            userID: owner,
            clientID: ClientID(rawValue: "key_owner"),
            workspaceID: home,
            organizationID: organization,
            role: role,
            scopes: scopes.intersection(role.scopes)
        )
    )
}

func target(
    status: WorkspaceStatus = .active,
    organization org: OrganizationID = organization,
    features: Set<Feature> = [.workspaceDeactivation],
    running: OperationID? = nil
) -> TargetState {
    TargetState(
        workspace: DirectoryWorkspace(id: workspace, organizationID: org, name: "Target", status: status),
        features: features,
        running: running
    )
}

func code(_ error: any Error) -> ErrorCode? { (error as? Rejection)?.code }

@Suite("Deactivation operation rules")
struct OperationRulesTests {
    let deactivate = DeactivateWorkspace(workspaceID: workspace)
    let reactivate = ReactivateWorkspace(workspaceID: workspace)

    @Test func anOwnerWithOrganizationsWriteStartsADeactivationOfEveryStep() throws {
        let outcome = try OperationRules.deactivate(deactivate, by: member(), target: target(), context: fixedContext())
        let started = try #require(outcome.events.first?.message as? DeactivationStarted)
        #expect(started.operation.kind == .deactivation && started.operation.workspaceID == workspace && started.requestedBy == owner)
        #expect(started.steps == [.lifecycle, .sharing] && outcome.events.first?.subject == workspace.rawValue)
        #expect(
            outcome.created == ["operation_id": started.operation.operationID.rawValue, "workspace_id": workspace.rawValue, "status": "deactivating"]
        )
    }

    @Test func deactivationRejections() {
        func rejects(
            _ expected: ErrorCode,
            by principal: Principal = member(),
            target state: TargetState = target(),
            id: WorkspaceID = workspace,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(sourceLocation: sourceLocation) {
                try OperationRules.deactivate(DeactivateWorkspace(workspaceID: id), by: principal, target: state, context: fixedContext())
            } throws: { code($0) == expected }
        }
        rejects(.forbidden, by: .operator(name: "alice"))
        rejects(.forbidden, by: member(role: .admin))
        rejects(.forbidden, by: member(scopes: [.workspaceRead, .resourceShare]))
        rejects(.invalidArgument, id: WorkspaceID(rawValue: "target"))
        rejects(.notFound, target: TargetState())
        rejects(.notFound, target: target(organization: OrganizationID(rawValue: "org_other")))
        rejects(.featureDisabled, target: target(features: [.crossWorkspaceSharing]))
        rejects(.operationInProgress, target: target(status: .inactive, running: OperationID(rawValue: "op_1")))
        rejects(.workspaceInactive, target: target(status: .inactive))
    }

    /// A key deactivates its own workspace and no other: whatever its user's role in the target (an
    /// Owner there, by user id), a key of another workspace of the organization is refused. So an
    /// Owner of one workspace can never deactivate another through a user id shared with it.
    @Test func aKeyDeactivatesItsOwnWorkspaceOnly() {
        let elsewhere = member(in: WorkspaceID(rawValue: "ws_home"))
        #expect { try OperationRules.deactivate(deactivate, by: elsewhere, target: target(), context: fixedContext()) } throws: {
            code($0) == .forbidden && ($0 as? Rejection)?.field == "workspace_id"
        }
        // A workspace of another organization stays unknown, whatever the key.
        #expect {
            try OperationRules.deactivate(
                deactivate,
                by: elsewhere,
                target: target(organization: OrganizationID(rawValue: "org_other")),
                context: fixedContext()
            )
        } throws: { code($0) == .notFound }
    }

    @Test func theOperatorReactivatesAndIsToldWhatCameBefore() throws {
        let share = ShareReference(
            shareID: ShareID(rawValue: "shr_1"),
            organizationID: organization,
            integrationID: IntegrationID(rawValue: "int_1"),
            integrationKind: .step,
            integrationName: "Alerts",
            sourceWorkspaceID: workspace,
            destinationWorkspaceID: WorkspaceID(rawValue: "ws_other"),
            requestedBy: owner
        )
        let before = StateBefore(
            workflows: [WorkflowSwitches(workflowID: WorkflowID(rawValue: "wf_1"), name: "Triage", enabled: true, triggersEnabled: true)],
            shares: [EndedShare(share: share, statusBefore: .accepted)]
        )
        let outcome = try OperationRules.reactivate(
            reactivate,
            by: .operator(name: "alice"),
            target: target(status: .inactive),
            before: before,
            context: fixedContext()
        )
        let started = try #require(outcome.events.first?.message as? ReactivationStarted)
        #expect(started.operation.kind == .reactivation && outcome.created["status"] == "reactivating")
        let items = try #require(outcome.items).map(\.created)
        #expect(items.count == 2)
        #expect(
            items[0] == ["kind": "workflow", "workflow_id": "wf_1", "name": "Triage", "enabled_before": "true", "triggers_enabled_before": "true"]
        )
        #expect(
            items[1]["kind"] == "share" && items[1]["direction"] == "from" && items[1]["other_workspace_id"] == "ws_other"
                && items[1]["status_before"] == "accepted"
        )
    }

    @Test func reactivationRejections() {
        func rejects(
            _ expected: ErrorCode,
            by principal: Principal = .operator(name: "alice"),
            target state: TargetState = target(status: .inactive),
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(sourceLocation: sourceLocation) {
                try OperationRules.reactivate(
                    ReactivateWorkspace(workspaceID: workspace),
                    by: principal,
                    target: state,
                    before: StateBefore(),
                    context: fixedContext()
                )
            } throws: { code($0) == expected }
        }
        rejects(.forbidden, by: member())
        rejects(.notFound, target: TargetState())
        rejects(.operationInProgress, target: target(status: .inactive, running: OperationID(rawValue: "op_1")))
        rejects(.failedPrecondition, target: target(status: .active))
    }
}
