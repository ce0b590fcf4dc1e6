/// The workspace's IdP settings, complete (they replace any earlier ones).
public struct SSOConfigured: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.SSOConfigured.v1"

    public var workspaceID: WorkspaceID
    public var entityID: String
    public var ssoURL: String
    /// PEM of the IdP's public signing certificate (public data).
    public var certificate: String
    /// Lower-case hex SHA-256 of the certificate's DER bytes.
    public var certificateSHA256: String
    /// The workspace they were copied from, if copied.
    public var copiedFrom: WorkspaceID?

    public init(workspaceID: WorkspaceID, entityID: String, ssoURL: String, certificate: String, certificateSHA256: String, copiedFrom: WorkspaceID?)
    {
        self.workspaceID = workspaceID
        self.entityID = entityID
        self.ssoURL = ssoURL
        self.certificate = certificate
        self.certificateSHA256 = certificateSHA256
        self.copiedFrom = copiedFrom
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case entityID = "entity_id"
        case ssoURL = "sso_url"
        case certificate
        case certificateSHA256 = "certificate_sha256"
        case copiedFrom = "copied_from"
    }
}

public struct ClaimMappingCreated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ClaimMappingCreated.v1"

    public var workspaceID: WorkspaceID
    public var mappingID: ClaimMappingID
    public var claim: String
    public var value: String
    public var role: Role

    public init(workspaceID: WorkspaceID, mappingID: ClaimMappingID, claim: String, value: String, role: Role) {
        self.workspaceID = workspaceID
        self.mappingID = mappingID
        self.claim = claim
        self.value = value
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case mappingID = "mapping_id"
        case claim, value, role
    }
}

public struct ClaimMappingDeleted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ClaimMappingDeleted.v1"

    public var workspaceID: WorkspaceID
    public var mappingID: ClaimMappingID

    public init(workspaceID: WorkspaceID, mappingID: ClaimMappingID) {
        self.workspaceID = workspaceID
        self.mappingID = mappingID
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case mappingID = "mapping_id"
    }
}
