/// Imports a workflow from YAML as its first revision. Needs `workflows.write`.
public struct ImportWorkflow: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ImportWorkflow.v1"
    /// Unique in the workspace.
    public var name: String
    public var yaml: String
    public init(name: String, yaml: String) {
        self.name = name
        self.yaml = yaml
    }
}

/// Adds a revision, which becomes the current one; the published revision stays until published again.
public struct UpdateWorkflow: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.UpdateWorkflow.v1"
    public var workflowID: WorkflowID
    public var yaml: String
    public init(workflowID: WorkflowID, yaml: String) {
        self.workflowID = workflowID
        self.yaml = yaml
    }
    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case yaml
    }
}

/// Publishes a revision of the workflow. Default: the current revision.
public struct PublishWorkflow: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.PublishWorkflow.v1"
    public var workflowID: WorkflowID
    public var revisionID: RevisionID?
    public init(workflowID: WorkflowID, revisionID: RevisionID? = nil) {
        self.workflowID = workflowID
        self.revisionID = revisionID
    }
    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case revisionID = "revision_id"
    }
}

/// Enables or disables a workflow and, separately, its triggers (default: like the workflow).
public struct SetWorkflowEnabled: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.SetWorkflowEnabled.v1"
    public var workflowID: WorkflowID
    public var enabled: Bool
    public var triggersEnabled: Bool?
    public init(workflowID: WorkflowID, enabled: Bool, triggersEnabled: Bool? = nil) {
        self.workflowID = workflowID
        self.enabled = enabled
        self.triggersEnabled = triggersEnabled
    }
    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case enabled
        case triggersEnabled = "triggers_enabled"
    }
}

/// Adds and removes tags of a workflow.
public struct TagWorkflow: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.TagWorkflow.v1"
    public var workflowID: WorkflowID
    public var add: [String]?
    public var remove: [String]?
    public init(workflowID: WorkflowID, add: [String]? = nil, remove: [String]? = nil) {
        self.workflowID = workflowID
        self.add = add
        self.remove = remove
    }
    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case add, remove
    }
}

/// Starts an execution of the published revision of an enabled workflow.
public struct StartExecution: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.StartExecution.v1"
    public var workflowID: WorkflowID
    public init(workflowID: WorkflowID) { self.workflowID = workflowID }
    enum CodingKeys: String, CodingKey { case workflowID = "workflow_id" }
}

/// How an execution ended.
public enum ExecutionOutcome: String, Codable, Sendable, CaseIterable {
    case succeeded, failed, stopped
}

public struct FinishExecution: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.FinishExecution.v1"
    public var executionID: ExecutionID
    public var outcome: ExecutionOutcome
    public init(executionID: ExecutionID, outcome: ExecutionOutcome) {
        self.executionID = executionID
        self.outcome = outcome
    }
    enum CodingKeys: String, CodingKey {
        case executionID = "execution_id"
        case outcome
    }
}
