/// Sets the identity provider of the caller's workspace (SAML: entity id, sign-on URL, signing certificate).
public struct ConfigureSSO: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ConfigureSSO.v1"

    public var entityID: String
    public var ssoURL: String
    /// The IdP's signing certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    public var certificate: String

    public init(entityID: String, ssoURL: String, certificate: String) {
        self.entityID = entityID
        self.ssoURL = ssoURL
        self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case entityID = "entity_id"
        case ssoURL = "sso_url"
        case certificate
    }
}

/// Copies the IdP settings of another workspace of the organization that the caller owns.
public struct CopySSOConfig: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.CopySSOConfig.v1"

    public var sourceWorkspaceID: WorkspaceID

    public init(sourceWorkspaceID: WorkspaceID) {
        self.sourceWorkspaceID = sourceWorkspaceID
    }

    enum CodingKeys: String, CodingKey {
        case sourceWorkspaceID = "source_workspace_id"
    }
}

/// Maps an IdP claim value to a role: users whose `claim` has `value` get `role`.
public struct CreateClaimMapping: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.CreateClaimMapping.v1"

    public var claim: String
    public var value: String
    public var role: Role

    public init(claim: String, value: String, role: Role) {
        self.claim = claim
        self.value = value
        self.role = role
    }
}

public struct DeleteClaimMapping: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.DeleteClaimMapping.v1"

    public var mappingID: ClaimMappingID

    public init(mappingID: ClaimMappingID) {
        self.mappingID = mappingID
    }

    enum CodingKeys: String, CodingKey {
        case mappingID = "mapping_id"
    }
}
