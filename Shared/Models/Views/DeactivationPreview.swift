/// What Lifecycle's step of a deactivation would do to a workspace now, computed by Lifecycle from
/// the same state and rule its saga step uses, without changing anything.
/// Served at Lifecycle's `GET /workspaces/:id/deactivation-preview`.
public struct LifecycleDeactivationPreview: Codable, Sendable, Hashable {
    public var workspaceID: WorkspaceID
    public var workspaceStatus: WorkspaceStatus
    /// Workflows with their switches as they are now; each is switched off.
    public var workflowsToDisable: [WorkflowSwitches]
    public var executionsToStop: [ExecutionID]
    /// OAuth integrations that stop refreshing.
    public var integrationsToStop: [IntegrationID]
    public var keysToRevoke: [ClientID]

    public init(
        workspaceID: WorkspaceID,
        workspaceStatus: WorkspaceStatus,
        workflowsToDisable: [WorkflowSwitches],
        executionsToStop: [ExecutionID],
        integrationsToStop: [IntegrationID],
        keysToRevoke: [ClientID]
    ) {
        self.workspaceID = workspaceID
        self.workspaceStatus = workspaceStatus
        self.workflowsToDisable = workflowsToDisable
        self.executionsToStop = executionsToStop
        self.integrationsToStop = integrationsToStop
        self.keysToRevoke = keysToRevoke
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workspaceStatus = "workspace_status"
        case workflowsToDisable = "workflows_to_disable"
        case executionsToStop = "executions_to_stop"
        case integrationsToStop = "integrations_to_stop"
        case keysToRevoke = "keys_to_revoke"
    }
}

/// What Sharing's step of a deactivation would do now: every open share from and to the workspace
/// ends (accepted ones are revoked, pending ones cancelled). Computed by Sharing from the same
/// query and rule its saga step uses; served at Sharing's `GET /workspaces/:id/deactivation-preview`.
public struct SharingDeactivationPreview: Codable, Sendable, Hashable {
    public var workspaceID: WorkspaceID
    public var sharesToEnd: [EndedShare]

    public init(workspaceID: WorkspaceID, sharesToEnd: [EndedShare]) {
        self.workspaceID = workspaceID
        self.sharesToEnd = sharesToEnd
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case sharesToEnd = "shares_to_end"
    }
}
