import Foundation

/// Who sent a command, as established from its credential against the service's own data.
public enum Principal: Sendable, Hashable {
    /// A named support operator, signing with a key the services are configured with.
    case `operator`(name: String)
    /// A workspace member acting through one of their API keys.
    case member(Caller)
}

/// A member acting through an API key: their current role in the key's workspace, the key's
/// effective scopes (those of the key that the role still grants) and its expiry, which caps the
/// keys it issues.
public struct Caller: Sendable, Hashable {
    public var userID: UserID
    public var clientID: ClientID
    public var workspaceID: WorkspaceID
    public var organizationID: OrganizationID
    public var role: Role
    public var scopes: Set<Scope>
    /// When the key expires; nil for a key issued without an expiry.
    public var keyExpiresAt: Date?

    public init(
        userID: UserID,
        clientID: ClientID,
        workspaceID: WorkspaceID,
        organizationID: OrganizationID,
        role: Role,
        scopes: Set<Scope>,
        keyExpiresAt: Date? = nil
    ) {
        self.userID = userID
        self.clientID = clientID
        self.workspaceID = workspaceID
        self.organizationID = organizationID
        self.role = role
        self.scopes = scopes
        self.keyExpiresAt = keyExpiresAt
    }
}

/// Whether a workspace accepts commands.
public enum WorkspaceStatus: String, Codable, Sendable, CaseIterable {
    case active, inactive
}
