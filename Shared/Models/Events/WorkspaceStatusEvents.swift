/// A workflow's switches, as they were before a deactivation.
public struct WorkflowSwitches: Codable, Sendable, Hashable {
    public var workflowID: WorkflowID
    public var name: String
    public var enabled: Bool
    public var triggersEnabled: Bool

    public init(workflowID: WorkflowID, name: String, enabled: Bool, triggersEnabled: Bool) {
        self.workflowID = workflowID
        self.name = name
        self.enabled = enabled
        self.triggersEnabled = triggersEnabled
    }

    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case name, enabled
        case triggersEnabled = "triggers_enabled"
    }
}

/// Lifecycle's part of a deactivation, done: the workspace is inactive, these workflows disabled (with
/// their switches from before), these executions stopped, these OAuth integrations no longer
/// refreshing. Its keys are revoked by `APIKeyRevoked` events published just before.
public struct WorkspaceDeactivated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkspaceDeactivated.v1"

    public var workspaceID: WorkspaceID
    public var operationID: OperationID
    public var workflows: [WorkflowSwitches]
    public var stoppedExecutions: [ExecutionID]
    public var stoppedIntegrations: [IntegrationID]
    public var revokedKeys: [ClientID]

    public init(
        workspaceID: WorkspaceID,
        operationID: OperationID,
        workflows: [WorkflowSwitches],
        stoppedExecutions: [ExecutionID],
        stoppedIntegrations: [IntegrationID],
        revokedKeys: [ClientID]
    ) {
        self.workspaceID = workspaceID
        self.operationID = operationID
        self.workflows = workflows
        self.stoppedExecutions = stoppedExecutions
        self.stoppedIntegrations = stoppedIntegrations
        self.revokedKeys = revokedKeys
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case operationID = "operation_id"
        case workflows
        case stoppedExecutions = "stopped_executions"
        case stoppedIntegrations = "stopped_integrations"
        case revokedKeys = "revoked_keys"
    }
}

/// Lifecycle's part of a reactivation, done: the workspace is active, the workflows have their
/// `enabled` switch from before with triggers disabled, these OAuth integrations need reconfiguring.
public struct WorkspaceReactivated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkspaceReactivated.v1"

    public var workspaceID: WorkspaceID
    public var operationID: OperationID
    /// The switches the workflows had before the deactivation.
    public var workflowsBefore: [WorkflowSwitches]
    public var integrationsToReconfigure: [IntegrationID]

    public init(workspaceID: WorkspaceID, operationID: OperationID, workflowsBefore: [WorkflowSwitches], integrationsToReconfigure: [IntegrationID]) {
        self.workspaceID = workspaceID
        self.operationID = operationID
        self.workflowsBefore = workflowsBefore
        self.integrationsToReconfigure = integrationsToReconfigure
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case operationID = "operation_id"
        case workflowsBefore = "workflows_before"
        case integrationsToReconfigure = "integrations_to_reconfigure"
    }
}
