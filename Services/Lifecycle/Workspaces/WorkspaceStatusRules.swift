import Models

/// Lifecycle's step of Deactivation's sagas. Deactivating disables every workflow, stops running
/// executions and OAuth refreshing, and revokes every key; reactivating brings workflows back with
/// their triggers off and marks OAuth integrations for reconfiguration. Doing a step again (a retry)
/// finds nothing left to change and confirms again.
enum WorkspaceStatusRules {
    /// The workspace as a deactivation finds it.
    struct DeactivationState: Sendable, Hashable {
        var workflows: [WorkflowSwitches]
        var runningExecutions: [ExecutionID]
        /// OAuth integrations still refreshing.
        var refreshingIntegrations: [IntegrationID]
        /// Keys not yet revoked.
        var liveKeys: [LiveKey]
    }

    struct LiveKey: Sendable, Hashable {
        var clientID: ClientID
        var userID: UserID
    }

    /// The workspace as a reactivation finds it.
    struct ReactivationState: Sendable, Hashable {
        /// Switches the workflows had before the deactivation.
        var workflowsBefore: [WorkflowSwitches]
        /// Every OAuth integration of the workspace.
        var oauthIntegrations: [IntegrationID]
    }

    static func deactivate(_ operation: OperationReference, state: DeactivationState) -> [DomainEvent] {
        let workspace = operation.workspaceID
        let revocations = state.liveKeys.map {
            DomainEvent(APIKeyRevoked(clientID: $0.clientID, workspaceID: workspace, userID: $0.userID, revokedBy: nil), subject: workspace.rawValue)
        }
        let deactivated = WorkspaceDeactivated(
            workspaceID: workspace, operationID: operation.operationID,
            workflows: state.workflows.filter { $0.enabled || $0.triggersEnabled }, stoppedExecutions: state.runningExecutions,
            stoppedIntegrations: state.refreshingIntegrations, revokedKeys: state.liveKeys.map(\.clientID)
        )
        return revocations + [DomainEvent(deactivated, subject: workspace.rawValue)]
    }

    static func reactivate(_ operation: OperationReference, state: ReactivationState) -> [DomainEvent] {
        let reactivated = WorkspaceReactivated(
            workspaceID: operation.workspaceID, operationID: operation.operationID,
            workflowsBefore: state.workflowsBefore, integrationsToReconfigure: state.oauthIntegrations
        )
        return [DomainEvent(reactivated, subject: operation.workspaceID.rawValue)]
    }
}
