import Foundation

/// How long API keys may live. Every key issued now expires: no later than the key that issued it,
/// and no later than its organization's maximum lifetime from its issue.
public enum KeyLifetime {
    /// An organization's maximum key lifetime unless an operator sets another.
    public static let defaultMaximumDays = 365
    /// The maximum lifetimes an operator may set.
    public static let allowedMaximumDays = 1...3_650
}

/// A member issues an API key for themselves in the key's workspace. The new key carries the
/// requested scopes, which must all be held by the caller's own key (default: all of them), and
/// expires no later than the caller's key and the organization's maximum key lifetime.
public struct IssueAPIKey: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.IssueAPIKey.v1"

    public var scopes: [Scope]?
    /// Default: when the caller's key expires or the organization's maximum lifetime from now,
    /// whichever is sooner.
    public var expiresAt: Date?

    public init(scopes: [Scope]? = nil, expiresAt: Date? = nil) {
        self.scopes = scopes
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case scopes
        case expiresAt = "expires_at"
    }
}

/// Revokes a key of the caller's workspace: one's own, or anyone's with `workspace.write`. The keys
/// it issued, and the keys those issued, are revoked with it.
public struct RevokeAPIKey: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.RevokeAPIKey.v1"

    public var clientID: ClientID

    public init(clientID: ClientID) {
        self.clientID = clientID
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
    }
}

/// The operator issues a key with all Owner scopes to an Owner of a workspace: the way back in after
/// a reactivation, which leaves every old key revoked, or when an Owner has lost every key. It
/// expires after the organization's maximum key lifetime.
public struct IssueOwnerKey: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.IssueOwnerKey.v1"

    public var workspaceID: WorkspaceID
    public var userID: UserID

    public init(workspaceID: WorkspaceID, userID: UserID) {
        self.workspaceID = workspaceID
        self.userID = userID
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case userID = "user_id"
    }
}
