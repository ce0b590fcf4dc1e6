import Foundation
import GRDB
import Models
import Pipeline

/// Establishes who sent a command from its `authorization` header, against Lifecycle's own keys
/// and memberships. Every failure is `unauthenticated` with one message for unknown id and wrong
/// secret alike, so that client ids cannot be probed.
struct Authenticator: Sendable {
    /// SHA-256 of the operator token; nil when none is configured.
    let operatorTokenHash: String?

    func authenticate(_ header: String?, db: Database, now: Date) throws -> Principal {
        guard let credential = Credential.parse(header) else {
            throw Rejection(.unauthenticated, "missing or malformed authorization header; expected 'Bearer <client_id>:<client_secret>'")
        }
        switch credential {
        case .operator(let token):
            guard let operatorTokenHash else {
                throw Rejection(.unauthenticated, "no operator credential is configured on this service")
            }
            guard Fingerprint.constantTimeEquals(Fingerprint.secretHash(token), operatorTokenHash) else {
                throw Rejection(.unauthenticated, "the operator credential is wrong")
            }
            return .operator
        case .apiKey(let clientID, let secret):
            return try member(clientID: clientID, secret: secret, db: db, now: now)
        }
    }

    private func member(clientID: ClientID, secret: String, db: Database, now: Date) throws -> Principal {
        guard let key = try APIKeyRecord.fetchOne(db, key: clientID.rawValue),
              Fingerprint.constantTimeEquals(Fingerprint.secretHash(secret), key.secretHash)
        else {
            throw Rejection(.unauthenticated, "unknown client id or wrong client secret")
        }
        if key.revokedAt != nil { throw Rejection(.unauthenticated, "this API key was revoked; issue a new one") }
        if let expiry = key.expiresAt, expiry <= now { throw Rejection(.unauthenticated, "this API key expired; issue a new one") }
        guard let workspace = try WorkspaceRecord.fetchOne(db, key: key.workspaceID.rawValue) else {
            throw Rejection(.unauthenticated, "unknown client id or wrong client secret")
        }
        guard workspace.status == .active else {
            throw Rejection(.workspaceInactive, "workspace '\(workspace.id)' is deactivated and accepts no commands")
        }
        guard let membership = try MemberRecord.fetchOne(db, key: ["workspace_id": key.workspaceID.rawValue, "user_id": key.userID.rawValue]) else {
            throw Rejection(.forbidden, "the key's user is no longer a member of workspace '\(workspace.id)'")
        }
        return .member(Caller(
            userID: key.userID, clientID: key.clientID, workspaceID: key.workspaceID,
            organizationID: workspace.organizationID, role: membership.role,
            scopes: key.scopeSet.intersection(membership.role.scopes)
        ))
    }
}
