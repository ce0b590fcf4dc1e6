/// A workflow was imported with its first revision (enabled, triggers enabled, not published).
public struct WorkflowImported: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkflowImported.v1"
    public var workspaceID: WorkspaceID
    public var workflowID: WorkflowID
    public var name: String
    public var revisionID: RevisionID
    public var yaml: String
    public init(workspaceID: WorkspaceID, workflowID: WorkflowID, name: String, revisionID: RevisionID, yaml: String) {
        self.workspaceID = workspaceID
        self.workflowID = workflowID
        self.name = name
        self.revisionID = revisionID
        self.yaml = yaml
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workflowID = "workflow_id"
        case name
        case revisionID = "revision_id"
        case yaml
    }
}

/// A new revision, now the current one.
public struct WorkflowRevised: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkflowRevised.v1"
    public var workspaceID: WorkspaceID
    public var workflowID: WorkflowID
    public var revisionID: RevisionID
    public var yaml: String
    public init(workspaceID: WorkspaceID, workflowID: WorkflowID, revisionID: RevisionID, yaml: String) {
        self.workspaceID = workspaceID
        self.workflowID = workflowID
        self.revisionID = revisionID
        self.yaml = yaml
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workflowID = "workflow_id"
        case revisionID = "revision_id"
        case yaml
    }
}

public struct WorkflowPublished: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkflowPublished.v1"
    public var workspaceID: WorkspaceID
    public var workflowID: WorkflowID
    public var revisionID: RevisionID
    public init(workspaceID: WorkspaceID, workflowID: WorkflowID, revisionID: RevisionID) {
        self.workspaceID = workspaceID
        self.workflowID = workflowID
        self.revisionID = revisionID
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workflowID = "workflow_id"
        case revisionID = "revision_id"
    }
}

public struct WorkflowEnablementChanged: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkflowEnablementChanged.v1"
    public var workspaceID: WorkspaceID
    public var workflowID: WorkflowID
    public var enabled: Bool
    public var triggersEnabled: Bool
    public init(workspaceID: WorkspaceID, workflowID: WorkflowID, enabled: Bool, triggersEnabled: Bool) {
        self.workspaceID = workspaceID
        self.workflowID = workflowID
        self.enabled = enabled
        self.triggersEnabled = triggersEnabled
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workflowID = "workflow_id"
        case enabled
        case triggersEnabled = "triggers_enabled"
    }
}

/// The workflow's complete tag set.
public struct WorkflowTagsChanged: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkflowTagsChanged.v1"
    public var workspaceID: WorkspaceID
    public var workflowID: WorkflowID
    public var tags: [String]
    public init(workspaceID: WorkspaceID, workflowID: WorkflowID, tags: [String]) {
        self.workspaceID = workspaceID
        self.workflowID = workflowID
        self.tags = tags
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workflowID = "workflow_id"
        case tags
    }
}

public struct ExecutionStarted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ExecutionStarted.v1"
    public var workspaceID: WorkspaceID
    public var executionID: ExecutionID
    public var workflowID: WorkflowID
    public var revisionID: RevisionID
    public init(workspaceID: WorkspaceID, executionID: ExecutionID, workflowID: WorkflowID, revisionID: RevisionID) {
        self.workspaceID = workspaceID
        self.executionID = executionID
        self.workflowID = workflowID
        self.revisionID = revisionID
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case executionID = "execution_id"
        case workflowID = "workflow_id"
        case revisionID = "revision_id"
    }
}

public struct ExecutionFinished: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ExecutionFinished.v1"
    public var workspaceID: WorkspaceID
    public var executionID: ExecutionID
    public var outcome: ExecutionOutcome
    public init(workspaceID: WorkspaceID, executionID: ExecutionID, outcome: ExecutionOutcome) {
        self.workspaceID = workspaceID
        self.executionID = executionID
        self.outcome = outcome
    }
    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case executionID = "execution_id"
        case outcome
    }
}
