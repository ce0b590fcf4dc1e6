import Foundation

public struct OrganizationCreated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.OrganizationCreated.v1"

    public var organizationID: OrganizationID
    public var name: String
    /// The longest an API key issued in it may live; nil (events before it was settable):
    /// ``KeyLifetime/defaultMaximumDays``.
    public var maxKeyLifetimeDays: Int?

    public init(organizationID: OrganizationID, name: String, maxKeyLifetimeDays: Int? = nil) {
        self.organizationID = organizationID
        self.name = name
        self.maxKeyLifetimeDays = maxKeyLifetimeDays
    }

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case name
        case maxKeyLifetimeDays = "max_key_lifetime_days"
    }
}

/// The longest an API key issued in the organization from now on may live.
public struct OrganizationKeyLifetimeChanged: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.OrganizationKeyLifetimeChanged.v1"

    public var organizationID: OrganizationID
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

/// The complete set of features now enabled for the organization.
public struct OrganizationFeaturesChanged: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.OrganizationFeaturesChanged.v1"

    public var organizationID: OrganizationID
    public var enabled: [Feature]

    public init(organizationID: OrganizationID, enabled: [Feature]) {
        self.organizationID = organizationID
        self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case enabled
    }
}

public struct WorkspaceCreated: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.WorkspaceCreated.v1"

    public var workspaceID: WorkspaceID
    public var organizationID: OrganizationID
    public var name: String
    /// The user who created it; nil for an organization's first workspace.
    public var createdBy: UserID?

    public init(workspaceID: WorkspaceID, organizationID: OrganizationID, name: String, createdBy: UserID?) {
        self.workspaceID = workspaceID
        self.organizationID = organizationID
        self.name = name
        self.createdBy = createdBy
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case organizationID = "organization_id"
        case name
        case createdBy = "created_by"
    }
}

/// A user became a member of a workspace with a role.
public struct MemberAdded: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.MemberAdded.v1"

    public var workspaceID: WorkspaceID
    public var userID: UserID
    public var email: String
    public var role: Role

    public init(workspaceID: WorkspaceID, userID: UserID, email: String, role: Role) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.email = email
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case email, role
    }
}

/// An API key was issued. Carries the key's signing key of each service, each sealed to that
/// service's key (never the secret), so that every service checks signatures against its own
/// replica and none can sign for another. (v1 carried the secret's hash, for bearer credentials.)
public struct APIKeyIssued: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.APIKeyIssued.v2"

    public var clientID: ClientID
    public var workspaceID: WorkspaceID
    public var userID: UserID
    public var scopes: [Scope]
    /// The key's signing key of each service (``RequestSignature``), by service name, each sealed
    /// to that service's public key and bound to the client id.
    public var signingKeys: [String: SealedSecrets]
    /// The role its user held when it was issued.
    public var issuerRole: Role
    public var expiresAt: Date?
    /// The key that issued it (with `IssueAPIKey` or `CreateWorkspace`), whose revocation revokes it
    /// too; nil for a key issued by the operator or an invitation.
    public var issuedBy: ClientID?

    public init(
        clientID: ClientID,
        workspaceID: WorkspaceID,
        userID: UserID,
        scopes: [Scope],
        signingKeys: [String: SealedSecrets],
        issuerRole: Role,
        expiresAt: Date?,
        issuedBy: ClientID? = nil
    ) {
        self.clientID = clientID
        self.workspaceID = workspaceID
        self.userID = userID
        self.scopes = scopes
        self.signingKeys = signingKeys
        self.issuerRole = issuerRole
        self.expiresAt = expiresAt
        self.issuedBy = issuedBy
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case scopes
        case signingKeys = "signing_keys"
        case issuerRole = "issuer_role"
        case expiresAt = "expires_at"
        case issuedBy = "issued_by"
    }
}

/// A key stops working everywhere: every service refuses it from this event on.
public struct APIKeyRevoked: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.APIKeyRevoked.v1"

    public var clientID: ClientID
    public var workspaceID: WorkspaceID
    public var userID: UserID
    /// Who revoked it; nil when it was revoked as a consequence (member removed).
    public var revokedBy: UserID?
    /// Set when it went with the revocation of a key up its issuing chain: that key's client id.
    public var revokedWith: ClientID?

    public init(clientID: ClientID, workspaceID: WorkspaceID, userID: UserID, revokedBy: UserID?, revokedWith: ClientID? = nil) {
        self.clientID = clientID
        self.workspaceID = workspaceID
        self.userID = userID
        self.revokedBy = revokedBy
        self.revokedWith = revokedWith
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case revokedBy = "revoked_by"
        case revokedWith = "revoked_with"
    }
}
