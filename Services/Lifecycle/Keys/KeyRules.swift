import Foundation
import Hashing
import Models

/// API keys: a member issues keys for themselves with a subset of their own key's scopes, and
/// revokes their own keys; revoking another member's key needs `workspace.write`.
enum KeyRules {
    /// What the revoke rule needs to know about the key; nil when it is not in the caller's workspace.
    struct KeyState: Sendable {
        var userID: UserID
        var revoked: Bool
    }

    static func issue(_ command: IssueAPIKey, by principal: Principal, context: DecisionContext) throws(Rejection) -> CommandOutcome {
        guard case .member(let caller) = principal else {
            throw Rejection(.forbidden, "API keys belong to workspace members; the operator cannot issue them")
        }
        let scopes = try requestedScopes(command.scopes, holding: caller.scopes)
        if let expiry = command.expiresAt, expiry <= context.now {
            throw .invalid("expires_at", "must be in the future")
        }
        return newKey(
            in: caller.workspaceID,
            for: caller.userID,
            scopes: scopes,
            issuerRole: caller.role,
            expiresAt: command.expiresAt,
            context: context
        )
    }

    /// What the operator's key issue needs to know about the workspace and the user.
    struct OwnerKeyTarget: Sendable {
        var workspaceActive: Bool
        /// The user's role there; nil when not a member.
        var role: Role?
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
        return newKey(in: command.workspaceID, for: command.userID, scopes: Scope.all.sorted(), issuerRole: .owner, expiresAt: nil, context: context)
    }

    private static func newKey(
        in workspace: WorkspaceID,
        for user: UserID,
        scopes: [Scope],
        issuerRole: Role,
        expiresAt: Date?,
        context: DecisionContext
    ) -> CommandOutcome {
        let secret = context.newSecret()
        let event = APIKeyIssued(
            clientID: context.newID("key"),
            workspaceID: workspace,
            userID: user,
            scopes: scopes,
            secretHash: Secret.hash(secret),
            issuerRole: issuerRole,
            expiresAt: expiresAt
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
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
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

/// A new member's first API key, with all the scopes of their role: its event (with the secret's
/// hash) and the secret to show once.
struct KeyIssue {
    var event: APIKeyIssued
    var secret: String

    static func make(workspaceID: WorkspaceID, userID: UserID, role: Role, context: DecisionContext) -> KeyIssue {
        let secret = context.newSecret()
        let event = APIKeyIssued(
            clientID: context.newID("key.\(workspaceID)"),
            workspaceID: workspaceID,
            userID: userID,
            scopes: role.scopes.sorted(),
            secretHash: Secret.hash(secret),
            issuerRole: role,
            expiresAt: nil
        )
        return KeyIssue(event: event, secret: secret)
    }
}
