/// Operator only: a new organization with its first workspace, owner user and owner API key.
public struct CreateOrganization: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.CreateOrganization.v1"

    public var name: String
    public var ownerEmail: String
    /// Name of the first workspace. Default: the organization's name.
    public var workspaceName: String?
    /// The longest, in days, that an API key issued in the organization may live (the first Owner
    /// key included). Default: ``KeyLifetime/defaultMaximumDays``.
    public var maxKeyLifetimeDays: Int?

    public init(name: String, ownerEmail: String, workspaceName: String? = nil, maxKeyLifetimeDays: Int? = nil) {
        self.name = name
        self.ownerEmail = ownerEmail
        self.workspaceName = workspaceName
        self.maxKeyLifetimeDays = maxKeyLifetimeDays
    }

    enum CodingKeys: String, CodingKey {
        case name
        case ownerEmail = "owner_email"
        case workspaceName = "workspace_name"
        case maxKeyLifetimeDays = "max_key_lifetime_days"
    }
}

/// Operator only: the longest an API key issued in the organization from now on may live. Keys
/// already issued keep their expiry.
public struct SetOrganizationKeyLifetime: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.SetOrganizationKeyLifetime.v1"

    public var organizationID: OrganizationID
    /// Days, within ``KeyLifetime/allowedMaximumDays``.
    public var maxKeyLifetimeDays: Int

    public init(organizationID: OrganizationID, maxKeyLifetimeDays: Int) {
        self.organizationID = organizationID
        self.maxKeyLifetimeDays = maxKeyLifetimeDays
    }

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case maxKeyLifetimeDays = "max_key_lifetime_days"
    }
}

/// Operator only: switch organization features on or off; features not named keep their state.
public struct SetOrganizationFeatures: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.SetOrganizationFeatures.v1"

    public var organizationID: OrganizationID
    /// Feature name (`workspace_creation`, ...) to whether it should be on.
    public var features: [String: Bool]

    public init(organizationID: OrganizationID, features: [String: Bool]) {
        self.organizationID = organizationID
        self.features = features
    }

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case features
    }
}

/// An Owner creates a workspace in their organization and becomes its Owner, receiving a new API key.
public struct CreateWorkspace: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.CreateWorkspace.v1"

    /// Unique within the organization. Default: the first free `Workspace N`.
    public var name: String?
    /// Copy the IdP settings and claim mappings of the workspace the caller's key belongs to.
    public var copySSOConfig: Bool?

    public init(name: String? = nil, copySSOConfig: Bool? = nil) {
        self.name = name
        self.copySSOConfig = copySSOConfig
    }

    enum CodingKeys: String, CodingKey {
        case name
        case copySSOConfig = "copy_sso_config"
    }
}
