/// What an integration is used as. All three can be shared across workspaces.
public enum IntegrationKind: String, Codable, Sendable, CaseIterable {
    case step, trigger, secret
}

/// Whether an OAuth integration keeps refreshing its tokens.
public enum RefreshState: String, Codable, Sendable, CaseIterable {
    case active, stopped
    case needsReconfiguration = "needs_reconfiguration"
}

/// Creates an integration in the caller's workspace. Its secret values travel sealed to Lifecycle's
/// secrets key (`sealed_secrets`: a JSON object of values by field name, see ``SealedSecrets``), are
/// encrypted at rest and never returned, logged or put in events; `parameters` are plain settings.
/// Needs `integrations.write`.
public struct CreateIntegration: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.CreateIntegration.v1"

    public var kind: IntegrationKind
    public var vendor: String
    /// Unique in the workspace for its kind.
    public var name: String
    public var parameters: [String: String]?
    /// The secret values by field name, sealed to Lifecycle's secrets key for this command's id.
    public var sealedSecrets: SealedSecrets?
    /// An OAuth integration, which refreshes its tokens. Default: false.
    public var oauth: Bool?

    public init(
        kind: IntegrationKind,
        vendor: String,
        name: String,
        parameters: [String: String]? = nil,
        sealedSecrets: SealedSecrets? = nil,
        oauth: Bool? = nil
    ) {
        self.kind = kind
        self.vendor = vendor
        self.name = name
        self.parameters = parameters
        self.sealedSecrets = sealedSecrets
        self.oauth = oauth
    }

    enum CodingKeys: String, CodingKey {
        case kind, vendor, name, parameters
        case sealedSecrets = "sealed_secrets"
        case oauth
    }
}

/// Changes an integration: a new name, parameters replaced as a whole, and secret fields set
/// (named ones replaced, others kept) or removed.
public struct UpdateIntegration: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.UpdateIntegration.v1"

    public var integrationID: IntegrationID
    public var name: String?
    public var parameters: [String: String]?
    /// Secret values to set, by field name, sealed to Lifecycle's secrets key for this command's id.
    public var sealedSecrets: SealedSecrets?
    public var removeSecrets: [String]?

    public init(
        integrationID: IntegrationID,
        name: String? = nil,
        parameters: [String: String]? = nil,
        sealedSecrets: SealedSecrets? = nil,
        removeSecrets: [String]? = nil
    ) {
        self.integrationID = integrationID
        self.name = name
        self.parameters = parameters
        self.sealedSecrets = sealedSecrets
        self.removeSecrets = removeSecrets
    }

    enum CodingKeys: String, CodingKey {
        case integrationID = "integration_id"
        case name, parameters
        case sealedSecrets = "sealed_secrets"
        case removeSecrets = "remove_secrets"
    }
}

public struct DeleteIntegration: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.DeleteIntegration.v1"

    public var integrationID: IntegrationID

    public init(integrationID: IntegrationID) {
        self.integrationID = integrationID
    }

    enum CodingKeys: String, CodingKey {
        case integrationID = "integration_id"
    }
}
