import Directory
import Foundation
import Models

/// Starting the sagas. Deactivation: an Owner of the workspace, with a key of that workspace carrying
/// `organizations.write`, in an organization with `workspace_deactivation`: a key deactivates its own
/// workspace and no other, whatever its user's role elsewhere. Reactivation: the operator. One
/// operation per workspace at a time.
enum OperationRules {
    static func deactivate(
        _ command: DeactivateWorkspace,
        by principal: Principal,
        target: TargetState,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .organizationsWrite, to: "deactivating a workspace")
        let workspace = try existing(command.workspaceID, target, organization: caller.organizationID)
        guard workspace.id == caller.workspaceID else {
            throw Rejection(
                .forbidden,
                "a key deactivates only its own workspace ('\(caller.workspaceID)'); use an Owner's key of '\(workspace.id)'",
                field: "workspace_id"
            )
        }
        guard target.features.contains(.workspaceDeactivation) else {
            throw Rejection(
                .featureDisabled,
                "workspace deactivation is not enabled for this organization; an operator can enable 'workspace_deactivation'"
            )
        }
        try notRunning(target)
        guard workspace.status == .active else {
            throw Rejection(.workspaceInactive, "workspace '\(workspace.id)' is already deactivated")
        }
        let operation = OperationReference(
            operationID: context.newID("operation"),
            kind: .deactivation,
            workspaceID: workspace.id,
            organizationID: workspace.organizationID
        )
        return CommandOutcome(
            events: [
                DomainEvent(
                    DeactivationStarted(operation: operation, requestedBy: caller.userID, steps: SagaStep.allCases),
                    subject: workspace.id.rawValue
                )
            ],
            created: ["operation_id": operation.operationID.rawValue, "workspace_id": workspace.id.rawValue, "status": "deactivating"]
        )
    }

    /// The result lists, one item each, the workflows' switches and the shares from before the last
    /// deactivation, so that they can be re-created deliberately.
    static func reactivate(
        _ command: ReactivateWorkspace,
        by principal: Principal,
        target: TargetState,
        before: StateBefore,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        try Authorization.requireOperator(principal, to: "reactivate a workspace")
        let workspace = try existing(command.workspaceID, target, organization: nil)
        try notRunning(target)
        guard workspace.status == .inactive else {
            throw Rejection(.failedPrecondition, "workspace '\(workspace.id)' is active; only a deactivated workspace can be reactivated")
        }
        let operation = OperationReference(
            operationID: context.newID("operation"),
            kind: .reactivation,
            workspaceID: workspace.id,
            organizationID: workspace.organizationID
        )
        return CommandOutcome(
            events: [DomainEvent(ReactivationStarted(operation: operation, steps: SagaStep.allCases), subject: workspace.id.rawValue)],
            created: ["operation_id": operation.operationID.rawValue, "workspace_id": workspace.id.rawValue, "status": "reactivating"],
            items: items(before, workspace: workspace.id)
        )
    }

    private static func existing(_ id: WorkspaceID, _ target: TargetState, organization: OrganizationID?) throws(Rejection) -> DirectoryWorkspace {
        guard id.isWellFormed else { throw .invalid("workspace_id", "is not a workspace id (ws_...)") }
        guard let workspace = target.workspace, organization == nil || workspace.organizationID == organization else {
            throw Rejection(.notFound, "no workspace '\(id)'\(organization == nil ? "" : " in your organization")", field: "workspace_id")
        }
        return workspace
    }

    private static func notRunning(_ target: TargetState) throws(Rejection) {
        if let running = target.running {
            throw Rejection(
                .operationInProgress,
                "operation '\(running)' on this workspace is still running; wait for it to finish (tenancy workspace status)"
            )
        }
    }

    private static func items(_ before: StateBefore, workspace: WorkspaceID) -> [ItemResult] {
        let workflows = before.workflows.map { workflow in
            [
                "kind": "workflow", "workflow_id": workflow.workflowID.rawValue, "name": workflow.name,
                "enabled_before": String(workflow.enabled), "triggers_enabled_before": String(workflow.triggersEnabled),
            ]
        }
        let shares = before.shares.map { ended in
            let outgoing = ended.share.sourceWorkspaceID == workspace
            return [
                "kind": "share", "share_id": ended.share.shareID.rawValue, "integration_id": ended.share.integrationID.rawValue,
                "integration_name": ended.share.integrationName, "direction": outgoing ? "from" : "to",
                "other_workspace_id": (outgoing ? ended.share.destinationWorkspaceID : ended.share.sourceWorkspaceID).rawValue,
                "status_before": ended.statusBefore.rawValue,
            ]
        }
        return (workflows + shares).enumerated().map { ItemResult(index: $0.offset, status: .accepted, created: $0.element) }
    }
}
