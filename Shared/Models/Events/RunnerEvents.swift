/// A runner awaits registration. Carries the token's SHA-256, never the token or install command.
public struct StepRunnerCreated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.StepRunnerCreated.v1"

    public var workspaceID: WorkspaceID
    public var runnerID: RunnerID
    public var name: String
    public var platform: RunnerPlatform
    public var tokenHash: String
    public var createdBy: UserID

    public init(workspaceID: WorkspaceID, runnerID: RunnerID, name: String, platform: RunnerPlatform, tokenHash: String, createdBy: UserID) {
        self.workspaceID = workspaceID
        self.runnerID = runnerID
        self.name = name
        self.platform = platform
        self.tokenHash = tokenHash
        self.createdBy = createdBy
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case runnerID = "runner_id"
        case name, platform
        case tokenHash = "token_hash"
        case createdBy = "created_by"
    }
}

public struct StepRunnerRegistered: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.StepRunnerRegistered.v1"

    public var workspaceID: WorkspaceID
    public var runnerID: RunnerID

    public init(workspaceID: WorkspaceID, runnerID: RunnerID) {
        self.workspaceID = workspaceID
        self.runnerID = runnerID
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case runnerID = "runner_id"
    }
}

public struct StepRunnerDeleted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.StepRunnerDeleted.v1"

    public var workspaceID: WorkspaceID
    public var runnerID: RunnerID
    public var deletedBy: UserID

    public init(workspaceID: WorkspaceID, runnerID: RunnerID, deletedBy: UserID) {
        self.workspaceID = workspaceID
        self.runnerID = runnerID
        self.deletedBy = deletedBy
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case runnerID = "runner_id"
        case deletedBy = "deleted_by"
    }
}
