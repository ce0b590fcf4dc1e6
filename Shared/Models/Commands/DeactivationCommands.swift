/// Takes a workspace offline, keeping its data. Needs an API key of an Owner of the workspace with
/// the `organizations.write` scope, and the organization's `workspace_deactivation` feature. The
/// result carries the operation id at once; the operation's status tells when every service is done.
public struct DeactivateWorkspace: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.DeactivateWorkspace.v1"

    public var workspaceID: WorkspaceID

    public init(workspaceID: WorkspaceID) {
        self.workspaceID = workspaceID
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
    }
}

/// Brings a deactivated workspace back (operator credential only). Its triggers come back disabled,
/// OAuth integrations need reconfiguring, old API keys stay revoked and ended shares are not
/// restored; the result lists the shares and trigger states from before.
public struct ReactivateWorkspace: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.ReactivateWorkspace.v1"

    public var workspaceID: WorkspaceID

    public init(workspaceID: WorkspaceID) {
        self.workspaceID = workspaceID
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
    }
}
