import Crypto
import Foundation
import Models
import Sealing
import Synchronization

/// An API key as a service's own data knows it, with its workspace and its user's current role there.
public struct StoredKey: Sendable {
    public var clientID: ClientID
    /// The key's signing key of each service, each sealed to that service's key; empty for a key
    /// issued before commands were signed, which can no longer sign.
    public var sealedSigningKeys: SealedSigningKeys
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
        sealedSigningKeys: SealedSigningKeys,
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
        self.sealedSigningKeys = sealedSigningKeys
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

/// Establishes who sent a command or a read from its signature (``RequestSignature``). Every service
/// runs the same checks against its own copy of the keys, with its own signing keys. A missing or
/// malformed signature, an unknown, revoked or expired key, a wrong signature and a time outside
/// the window all get one answer, so that nothing is learned from it.
public struct Authenticator: Sendable {
    public let keys: ServiceKeys
    public let operators: OperatorKeys
    /// How far a signed time may be from the service's clock, either way.
    public let window: TimeInterval
    private let openedKeys: OpenedSigningKeys

    public static let refusal = Rejection(
        .unauthenticated,
        "the signature does not hold: missing or malformed, unknown, revoked or expired key, wrong signature, or signed at a time outside the accepted window"
    )

    public init(keys: ServiceKeys, operators: OperatorKeys, window: TimeInterval = 900) {
        self.keys = keys
        self.operators = operators
        self.window = window
        openedKeys = OpenedSigningKeys()
    }

    /// The sender of a command; `lookup` finds a key in the service's own data.
    public func authenticate(_ envelope: Envelope, now: Date, lookup: (ClientID) throws -> StoredKey?) throws -> Principal {
        guard let authorization = SignedAuthorization(header: envelope.authorization), let time = envelope.time,
            let text = RequestSignature.text(ofCommand: envelope, recordKey: envelope.recordKey, service: keys.service, signer: authorization.signer)
        else { throw Self.refusal }
        return try verify(authorization, of: text, signedAt: time, now: now, lookup: lookup)
    }

    /// The reader of an HTTP read: `time` is its `x-tenancy-time` header, `query` the query as sent.
    public func authenticateRead(
        method: String,
        path: String,
        query: String,
        time: String?,
        authorization header: String?,
        now: Date,
        lookup: (ClientID) throws -> StoredKey?
    ) throws -> Principal {
        guard let authorization = SignedAuthorization(header: header), let time, let signedAt = Timestamp.parse(time),
            let text = RequestSignature.text(
                ofRead: method,
                path: path,
                query: query,
                time: time,
                service: keys.service,
                signer: authorization.signer
            )
        else { throw Self.refusal }
        return try verify(authorization, of: text, signedAt: signedAt, now: now, lookup: lookup)
    }

    private func verify(
        _ authorization: SignedAuthorization,
        of text: Data,
        signedAt: Date,
        now: Date,
        lookup: (ClientID) throws -> StoredKey?
    ) throws -> Principal {
        guard authorization.service == keys.service, abs(signedAt.timeIntervalSince(now)) <= window else { throw Self.refusal }
        switch authorization.signer {
        case .operator(let name):
            guard let key = operators.keys[name], RequestSignature.isValid(authorization.signature, of: text, with: key) else { throw Self.refusal }
            return .operator(name: name)
        case .key(let clientID):
            guard let stored = try lookup(clientID),
                let key = openedKeys.key(of: clientID, sealed: stored.sealedSigningKeys, keys: keys),
                RequestSignature.isValid(authorization.signature, of: text, with: key),
                !stored.revoked, stored.expiresAt.map({ $0 > now }) ?? true
            else { throw Self.refusal }
            return try member(stored)
        }
    }

    private func member(_ key: StoredKey) throws(Rejection) -> Principal {
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

/// Signing keys this service has opened, by client id: decoding and opening one (JSON, HPKE) costs
/// ~100 us, checking a signature with it ~2 us. A client id's sealed key never changes, so an
/// opened one stays right; whether the key still holds is read from the store on every request.
final class OpenedSigningKeys: Sendable {
    private let opened = Mutex<[ClientID: KeyedHMAC]>([:])
    private static let capacity = 100_000

    func key(of clientID: ClientID, sealed: SealedSigningKeys, keys: ServiceKeys) -> KeyedHMAC? {
        if let key = opened.withLock({ $0[clientID] }) { return key }
        guard let box = sealed.sealed(for: keys.service), let key = try? KeyedHMAC(key: keys.openSigningKey(box, clientID: clientID.rawValue)) else {
            return nil
        }
        opened.withLock {
            if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
            $0[clientID] = key
        }
        return key
    }
}
