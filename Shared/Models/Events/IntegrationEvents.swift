/// An integration as other services may know it: everything but secret values, of which only the
/// field names are given.
public struct IntegrationSnapshot: Codable, Sendable, Hashable {
    public var workspaceID: WorkspaceID
    public var integrationID: IntegrationID
    public var kind: IntegrationKind
    public var vendor: String
    public var name: String
    public var parameters: [String: String]
    public var secretFields: [String]
    /// Set for OAuth integrations only.
    public var refreshState: RefreshState?

    public init(
        workspaceID: WorkspaceID,
        integrationID: IntegrationID,
        kind: IntegrationKind,
        vendor: String,
        name: String,
        parameters: [String: String],
        secretFields: [String],
        refreshState: RefreshState?
    ) {
        self.workspaceID = workspaceID
        self.integrationID = integrationID
        self.kind = kind
        self.vendor = vendor
        self.name = name
        self.parameters = parameters
        self.secretFields = secretFields
        self.refreshState = refreshState
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case integrationID = "integration_id"
        case kind, vendor, name, parameters
        case secretFields = "secret_fields"
        case refreshState = "refresh_state"
    }
}

public struct IntegrationCreated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.IntegrationCreated.v1"
    public var integration: IntegrationSnapshot
    public init(integration: IntegrationSnapshot) { self.integration = integration }
}

/// The integration's complete new state (secret values excepted).
public struct IntegrationUpdated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.IntegrationUpdated.v1"
    public var integration: IntegrationSnapshot
    public init(integration: IntegrationSnapshot) { self.integration = integration }
}

public struct IntegrationDeleted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.IntegrationDeleted.v1"

    public var workspaceID: WorkspaceID
    public var integrationID: IntegrationID

    public init(workspaceID: WorkspaceID, integrationID: IntegrationID) {
        self.workspaceID = workspaceID
        self.integrationID = integrationID
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case integrationID = "integration_id"
    }
}
