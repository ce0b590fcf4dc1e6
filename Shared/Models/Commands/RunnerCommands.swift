/// Where a step runner is installed.
public enum RunnerPlatform: String, Codable, Sendable, CaseIterable {
    case docker, kubernetes, linux
}

/// Creates a step runner; the result holds its install command, which embeds a registration
/// token that works once. Needs `runners.write`.
public struct CreateStepRunner: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.CreateStepRunner.v1"

    /// Lower-case letters, digits and dashes, 1 to 63 characters; unique in the workspace.
    public var name: String
    public var platform: RunnerPlatform

    public init(name: String, platform: RunnerPlatform) {
        self.name = name
        self.platform = platform
    }
}

/// Sent by the installed runner: the registration token is its credential and is then spent.
public struct RegisterStepRunner: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.RegisterStepRunner.v2"

    public var runnerID: RunnerID
    /// The registration token, sealed to Lifecycle's secrets key for this command's id
    /// (``SealedSecrets``, the value under `token`), so that it is never in clear on a topic.
    public var sealedToken: SealedSecrets

    public init(runnerID: RunnerID, sealedToken: SealedSecrets) {
        self.runnerID = runnerID
        self.sealedToken = sealedToken
    }

    enum CodingKeys: String, CodingKey {
        case runnerID = "runner_id"
        case sealedToken = "sealed_token"
    }
}

public struct DeleteStepRunner: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.DeleteStepRunner.v1"

    public var runnerID: RunnerID

    public init(runnerID: RunnerID) {
        self.runnerID = runnerID
    }

    enum CodingKeys: String, CodingKey {
        case runnerID = "runner_id"
    }
}
