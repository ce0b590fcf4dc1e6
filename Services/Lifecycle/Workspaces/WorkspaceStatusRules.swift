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

    /// A key that is not revoked, with its user (named in the revocation event).
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

    /// The part of the workspace a deactivation changes: workflows with either switch on (with the
    /// switches they have now), and every running execution, refreshing integration and live key.
    /// The one selection both the saga step and the preview use.
    static func selection(_ state: DeactivationState) -> DeactivationState {
        var selected = state
        selected.workflows = state.workflows.filter { $0.enabled || $0.triggersEnabled }
        return selected
    }

    static func deactivate(_ operation: OperationReference, state: DeactivationState) -> [DomainEvent] {
        let workspace = operation.workspaceID
        let selected = selection(state)
        let revocations = selected.liveKeys.map {
            DomainEvent(APIKeyRevoked(clientID: $0.clientID, workspaceID: workspace, userID: $0.userID, revokedBy: nil), subject: workspace.rawValue)
        }
        let deactivated = WorkspaceDeactivated(
            workspaceID: workspace,
            operationID: operation.operationID,
            workflows: selected.workflows,
            stoppedExecutions: selected.runningExecutions,
            stoppedIntegrations: selected.refreshingIntegrations,
            revokedKeys: selected.liveKeys.map(\.clientID)
        )
        return revocations + [DomainEvent(deactivated, subject: workspace.rawValue)]
    }

    /// What deactivating the workspace would change now, as the preview shows it; nothing is decided.
    static func preview(of workspace: WorkspaceID, status: WorkspaceStatus, state: DeactivationState) -> LifecycleDeactivationPreview {
        let selected = selection(state)
        return LifecycleDeactivationPreview(
            workspaceID: workspace,
            workspaceStatus: status,
            workflowsToDisable: selected.workflows,
            executionsToStop: selected.runningExecutions,
            integrationsToStop: selected.refreshingIntegrations,
            keysToRevoke: selected.liveKeys.map(\.clientID)
        )
    }

    static func reactivate(_ operation: OperationReference, state: ReactivationState) -> [DomainEvent] {
        let reactivated = WorkspaceReactivated(
            workspaceID: operation.workspaceID,
            operationID: operation.operationID,
            workflowsBefore: state.workflowsBefore,
            integrationsToReconfigure: state.oauthIntegrations
        )
        return [DomainEvent(reactivated, subject: operation.workspaceID.rawValue)]
    }
}
