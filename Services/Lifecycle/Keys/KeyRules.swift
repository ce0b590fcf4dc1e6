import Foundation
import Models

/// API keys: a member issues keys for themselves with a subset of their own key's scopes, expiring
/// no later than their own key and the organization's maximum key lifetime, and revokes their own
/// keys; revoking another member's key needs `workspace.write`. Revoking a key revokes the keys it
/// issued, down the whole chain.
enum KeyRules {
    /// What the revoke rule needs to know about the key; nil when it is not in the caller's workspace.
    struct KeyState: Sendable {
        var userID: UserID
        var revoked: Bool
        /// The keys not yet revoked that it issued, and that those issued, in any workspace.
        var issued: [IssuedKey] = []
    }

    /// A key issued, directly or down a chain, by the key being revoked.
    struct IssuedKey: Sendable, Hashable {
        var clientID: ClientID
        var workspaceID: WorkspaceID
        var userID: UserID
    }

    /// `maxLifetimeDays` is the caller's organization's maximum key lifetime.
    static func issue(
        _ command: IssueAPIKey,
        by principal: Principal,
        maxLifetimeDays: Int,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        guard case .member(let caller) = principal else {
            throw Rejection(.forbidden, "API keys belong to workspace members; the operator cannot issue them")
        }
        let scopes = try requestedScopes(command.scopes, holding: caller.scopes)
        let limit = ExpiryLimit(issuerExpiry: caller.keyExpiresAt, maxLifetimeDays: maxLifetimeDays, now: context.now)
        return newKey(
            in: caller.workspaceID,
            for: caller.userID,
            scopes: scopes,
            issuerRole: caller.role,
            expiresAt: try limit.expiry(requested: command.expiresAt),
            issuedBy: caller.clientID,
            context: context
        )
    }

    /// What the operator's key issue needs to know about the workspace and the user.
    struct OwnerKeyTarget: Sendable {
        var workspaceActive: Bool
        /// The user's role there; nil when not a member.
        var role: Role?
        /// The workspace's organization's maximum key lifetime.
        var maxKeyLifetimeDays = KeyLifetime.defaultMaximumDays
    }

    static func issueOwnerKey(
        _ command: IssueOwnerKey,
        by principal: Principal,
        target: OwnerKeyTarget?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        try Authorization.requireOperator(principal, to: "issue a key to a workspace Owner")
        guard let target else { throw Rejection(.notFound, "no workspace '\(command.workspaceID)'", field: "workspace_id") }
        guard target.workspaceActive else {
            throw Rejection(.workspaceInactive, "workspace '\(command.workspaceID)' is deactivated; reactivate it first")
        }
        guard target.role == .owner else {
            throw Rejection(
                .failedPrecondition,
                "user '\(command.userID)' is not an Owner of '\(command.workspaceID)'; the operator issues keys to Owners only",
                field: "user_id"
            )
        }
        let limit = ExpiryLimit(issuerExpiry: nil, maxLifetimeDays: target.maxKeyLifetimeDays, now: context.now)
        return newKey(
            in: command.workspaceID,
            for: command.userID,
            scopes: Scope.all.sorted(),
            issuerRole: .owner,
            expiresAt: limit.latest,
            issuedBy: nil,
            context: context
        )
    }

    private static func newKey(
        in workspace: WorkspaceID,
        for user: UserID,
        scopes: [Scope],
        issuerRole: Role,
        expiresAt: Date,
        issuedBy: ClientID?,
        context: DecisionContext
    ) -> CommandOutcome {
        let secret = context.newSecret()
        let clientID: ClientID = context.newID("key")
        let event = APIKeyIssued(
            clientID: clientID,
            workspaceID: workspace,
            userID: user,
            scopes: scopes,
            signingKeys: context.signingKeys(of: secret, clientID: clientID),
            issuerRole: issuerRole,
            expiresAt: expiresAt,
            issuedBy: issuedBy
        )
        return CommandOutcome(
            events: [DomainEvent(event, subject: workspace.rawValue)],
            created: ["client_id": event.clientID.rawValue],
            secrets: ["client_secret": secret]
        )
    }

    static func revoke(_ command: RevokeAPIKey, by principal: Principal, key: KeyState?) throws(Rejection) -> CommandOutcome {
        guard case .member(let caller) = principal else {
            throw Rejection(.forbidden, "revoking an API key needs a workspace member's API key")
        }
        guard let key else {
            throw Rejection(.notFound, "no API key '\(command.clientID)' in this workspace", field: "client_id")
        }
        if key.userID != caller.userID {
            _ = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "revoking another member's API key")
        }
        guard !key.revoked else {
            throw Rejection(.alreadyRevoked, "API key '\(command.clientID)' is already revoked", field: "client_id")
        }
        let event = APIKeyRevoked(clientID: command.clientID, workspaceID: caller.workspaceID, userID: key.userID, revokedBy: caller.userID)
        // One event per key, so that every replica revokes each from the event it already applies.
        let issued = key.issued.map {
            APIKeyRevoked(
                clientID: $0.clientID,
                workspaceID: $0.workspaceID,
                userID: $0.userID,
                revokedBy: caller.userID,
                revokedWith: command.clientID
            )
        }
        return CommandOutcome(events: ([event] + issued).map { DomainEvent($0, subject: $0.workspaceID.rawValue) })
    }

    /// The requested scopes, known and held by the caller; all of the caller's when none are named.
    static func requestedScopes(_ requested: [Scope]?, holding held: Set<Scope>) throws(Rejection) -> [Scope] {
        guard let requested else { return held.sorted() }
        guard !requested.isEmpty else { throw .invalid("scopes", "name at least one scope, or leave it out for all of yours") }
        for (index, scope) in requested.enumerated() where !Scope.all.contains(scope) {
            throw .invalid("scopes.\(index)", "unknown scope '\(scope.rawValue.prefix(64))'")
        }
        let missing = Set(requested).subtracting(held)
        guard missing.isEmpty else {
            throw Rejection(
                .forbidden,
                "a key can only carry scopes its issuer holds; yours lacks \(missing.sorted().map(\.rawValue).joined(separator: ", "))",
                field: "scopes"
            )
        }
        return Set(requested).sorted()
    }
}

/// How long a key issued now may live: until the key that issues it expires, and at most the
/// organization's maximum key lifetime; the sooner of the two.
struct ExpiryLimit {
    /// The issuing key's expiry; nil for a key without one, and for the operator or an invitation.
    var issuerExpiry: Date?
    var maxLifetimeDays: Int
    var now: Date

    var latest: Date {
        let organizationLimit = now.addingTimeInterval(Double(maxLifetimeDays) * 86_400)
        return issuerExpiry.map { min($0, organizationLimit) } ?? organizationLimit
    }

    /// The requested expiry when it is within the limit; the latest allowed when none is requested.
    func expiry(requested: Date?) throws(Rejection) -> Date {
        guard let requested else { return latest }
        guard requested > now else { throw .invalid("expires_at", "must be in the future") }
        guard requested <= latest else {
            let reason =
                if let issuerExpiry, issuerExpiry <= latest {
                    "a key cannot outlive the key that issues it, which expires at \(Timestamp.format(issuerExpiry))"
                } else {
                    "keys of this organization live at most \(maxLifetimeDays) days, so until \(Timestamp.format(latest))"
                }
            throw Rejection(.forbidden, reason + "; ask for an earlier expires_at or leave it out", field: "expires_at")
        }
        return requested
    }
}

/// A first API key with all the scopes of a role (a new member's, or a new workspace's Owner's, with
/// those of the caller's key that the role grants): its event (with its sealed signing keys) and the
/// secret to show once.
struct KeyIssue {
    var event: APIKeyIssued
    var secret: String

    /// `scopes`, when given, are narrowed to the role's; `issuedBy` is the key that asked for it.
    static func make(
        workspaceID: WorkspaceID,
        userID: UserID,
        role: Role,
        scopes: Set<Scope>? = nil,
        expiresAt: Date? = nil,
        issuedBy: ClientID? = nil,
        context: DecisionContext
    ) -> KeyIssue {
        let secret = context.newSecret()
        let clientID: ClientID = context.newID("key.\(workspaceID)")
        let event = APIKeyIssued(
            clientID: clientID,
            workspaceID: workspaceID,
            userID: userID,
            scopes: (scopes ?? role.scopes).intersection(role.scopes).sorted(),
            signingKeys: context.signingKeys(of: secret, clientID: clientID),
            issuerRole: role,
            expiresAt: expiresAt,
            issuedBy: issuedBy
        )
        return KeyIssue(event: event, secret: secret)
    }
}
