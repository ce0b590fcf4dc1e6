import Foundation

/// An invitation is pending. Carries the SHA-256 of its acceptance token and the nonce it was made
/// from, never the token: only Lifecycle and Notifications hold the key that makes a token from the
/// invitation id and the nonce, and Notifications writes it into the email to the invited address.
public struct InvitationSent: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.InvitationSent.v1"

    public var invitationID: InvitationID
    public var workspaceID: WorkspaceID
    public var email: String
    public var role: Role
    public var expiresAt: Date
    public var invitedBy: UserID
    public var tokenHash: String
    /// Random; with the invitation id, what the token is made from. Absent from invitations made
    /// before tokens went by email, whose token was shown to the inviter.
    public var tokenNonce: String?

    public init(
        invitationID: InvitationID,
        workspaceID: WorkspaceID,
        email: String,
        role: Role,
        expiresAt: Date,
        invitedBy: UserID,
        tokenHash: String,
        tokenNonce: String?
    ) {
        self.invitationID = invitationID
        self.workspaceID = workspaceID
        self.email = email
        self.role = role
        self.expiresAt = expiresAt
        self.invitedBy = invitedBy
        self.tokenHash = tokenHash
        self.tokenNonce = tokenNonce
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case workspaceID = "workspace_id"
        case email, role
        case expiresAt = "expires_at"
        case invitedBy = "invited_by"
        case tokenHash = "token_hash"
        case tokenNonce = "token_nonce"
    }
}

/// A pending invitation ended without acceptance: revoked by a member, or replaced by a new one.
public struct InvitationRevoked: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.InvitationRevoked.v1"

    public enum Reason: String, Codable, Sendable, CaseIterable {
        case revoked, replaced
    }

    public var invitationID: InvitationID
    public var workspaceID: WorkspaceID
    public var reason: Reason
    public var revokedBy: UserID

    public init(invitationID: InvitationID, workspaceID: WorkspaceID, reason: Reason, revokedBy: UserID) {
        self.invitationID = invitationID
        self.workspaceID = workspaceID
        self.reason = reason
        self.revokedBy = revokedBy
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case workspaceID = "workspace_id"
        case reason
        case revokedBy = "revoked_by"
    }
}

public struct InvitationAccepted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.InvitationAccepted.v1"

    public var invitationID: InvitationID
    public var workspaceID: WorkspaceID
    public var userID: UserID

    public init(invitationID: InvitationID, workspaceID: WorkspaceID, userID: UserID) {
        self.invitationID = invitationID
        self.workspaceID = workspaceID
        self.userID = userID
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case workspaceID = "workspace_id"
        case userID = "user_id"
    }
}

public struct MemberRoleChanged: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.MemberRoleChanged.v1"

    public var workspaceID: WorkspaceID
    public var userID: UserID
    public var role: Role
    public var previousRole: Role
    public var changedBy: UserID

    public init(workspaceID: WorkspaceID, userID: UserID, role: Role, previousRole: Role, changedBy: UserID) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.role = role
        self.previousRole = previousRole
        self.changedBy = changedBy
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case role
        case previousRole = "previous_role"
        case changedBy = "changed_by"
    }
}

public struct MemberRemoved: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.MemberRemoved.v1"

    public var workspaceID: WorkspaceID
    public var userID: UserID
    public var removedBy: UserID

    public init(workspaceID: WorkspaceID, userID: UserID, removedBy: UserID) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.removedBy = removedBy
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case userID = "user_id"
        case removedBy = "removed_by"
    }
}
