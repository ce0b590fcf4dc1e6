import Foundation
import Hashing
import Models

/// An API key as a service's own data knows it, with its workspace and its user's current role there.
public struct StoredKey: Sendable {
    public var clientID: ClientID
    /// Lower-case hex SHA-256 of the secret.
    public var secretHash: String
    public var workspaceID: WorkspaceID
    public var organizationID: OrganizationID
    public var workspaceStatus: WorkspaceStatus
    public var userID: UserID
    /// The user's role in the workspace; nil when they are no longer a member.
    public var role: Role?
    public var scopes: Set<Scope>
    public var expiresAt: Date?
    public var revoked: Bool

    public init(
        clientID: ClientID,
        secretHash: String,
        workspaceID: WorkspaceID,
        organizationID: OrganizationID,
        workspaceStatus: WorkspaceStatus,
        userID: UserID,
        role: Role?,
        scopes: Set<Scope>,
        expiresAt: Date?,
        revoked: Bool
    ) {
        self.clientID = clientID
        self.secretHash = secretHash
        self.workspaceID = workspaceID
        self.organizationID = organizationID
        self.workspaceStatus = workspaceStatus
        self.userID = userID
        self.role = role
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}

/// Establishes who sent a command from its `authorization` header. Every service runs the same
/// checks against its own copy of the keys. Unknown client id and wrong secret give one message, so
/// that client ids cannot be probed.
public struct Authenticator: Sendable {
    /// SHA-256 of the operator token; nil when none is configured.
    public let operatorTokenHash: String?

    public init(operatorTokenHash: String?) {
        self.operatorTokenHash = operatorTokenHash
    }

    /// `lookup` finds a key in the service's own data.
    public func authenticate(_ header: String?, now: Date, lookup: (ClientID) throws -> StoredKey?) throws -> Principal {
        guard let credential = Credential.parse(header) else {
            throw Rejection(.unauthenticated, "missing or malformed authorization header; expected 'Bearer <client_id>:<client_secret>'")
        }
        switch credential {
        case .operator(let token):
            guard let operatorTokenHash else {
                throw Rejection(.unauthenticated, "no operator credential is configured on this service")
            }
            guard Secret.matches(token, hash: operatorTokenHash) else {
                throw Rejection(.unauthenticated, "the operator credential is wrong")
            }
            return .operator
        case .apiKey(let clientID, let secret):
            guard let key = try lookup(clientID), Secret.matches(secret, hash: key.secretHash) else {
                throw Rejection(.unauthenticated, "unknown client id or wrong client secret")
            }
            return try member(key, now: now)
        }
    }

    private func member(_ key: StoredKey, now: Date) throws(Rejection) -> Principal {
        if key.revoked { throw Rejection(.unauthenticated, "this API key was revoked; issue a new one") }
        if let expiry = key.expiresAt, expiry <= now { throw Rejection(.unauthenticated, "this API key expired; issue a new one") }
        guard key.workspaceStatus == .active else {
            throw Rejection(.workspaceInactive, "workspace '\(key.workspaceID)' is deactivated and accepts no commands")
        }
        guard let role = key.role else {
            throw Rejection(.forbidden, "the key's user is no longer a member of workspace '\(key.workspaceID)'")
        }
        return .member(
            Caller(
                userID: key.userID,
                clientID: key.clientID,
                workspaceID: key.workspaceID,
                organizationID: key.organizationID,
                role: role,
                scopes: key.scopes.intersection(role.scopes),
                keyExpiresAt: key.expiresAt
            )
        )
    }
}
