/// Invites an email address into the caller's workspace with a role. Re-inviting an address
/// replaces its pending invitation. The acceptance token goes by email to that address, and only
/// there: the result names the invitation, never its token.
public struct InviteUser: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.InviteUser.v1"

    public var email: String
    public var role: Role
    /// Days until the invitation expires, 1 to 30. Default: 7.
    public var expiresInDays: Int?

    public init(email: String, role: Role, expiresInDays: Int? = nil) {
        self.email = email
        self.role = role
        self.expiresInDays = expiresInDays
    }

    enum CodingKeys: String, CodingKey {
        case email, role
        case expiresInDays = "expires_in_days"
    }
}

/// Invites up to 100 addresses at once; each gets its own item result.
public struct BulkInviteUsers: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.BulkInviteUsers.v1"

    public struct Invitee: Codable, Sendable, Hashable {
        public var email: String
        public var role: Role

        public init(email: String, role: Role) {
            self.email = email
            self.role = role
        }
    }

    public var invitations: [Invitee]
    public var expiresInDays: Int?

    public init(invitations: [Invitee], expiresInDays: Int? = nil) {
        self.invitations = invitations
        self.expiresInDays = expiresInDays
    }

    enum CodingKeys: String, CodingKey {
        case invitations
        case expiresInDays = "expires_in_days"
    }
}

/// The invited person accepts with the token from their invitation email, which is their
/// credential here: no `authorization` header is needed. They become a member and receive their
/// first API key. The token works once, until the invitation expires.
public struct AcceptInvitation: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.AcceptInvitation.v2"

    public var invitationID: InvitationID
    /// The invitation's token, sealed to Lifecycle's secrets key for this command's id
    /// (``SealedSecrets``, the value under `token`), so that it is never in clear on a topic.
    public var sealedToken: SealedSecrets

    public init(invitationID: InvitationID, sealedToken: SealedSecrets) {
        self.invitationID = invitationID
        self.sealedToken = sealedToken
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case sealedToken = "sealed_token"
    }
}

/// Withdraws a pending invitation of the caller's workspace.
public struct RevokeInvitation: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.RevokeInvitation.v1"

    public var invitationID: InvitationID

    public init(invitationID: InvitationID) {
        self.invitationID = invitationID
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
    }
}

/// Gives a member of the caller's workspace another role.
public struct ChangeMemberRole: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.ChangeMemberRole.v1"

    public var userID: UserID
    public var role: Role

    public init(userID: UserID, role: Role) {
        self.userID = userID
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case role
    }
}

/// Removes a member from the caller's workspace (or the caller themselves); their keys there are revoked.
public struct RemoveMember: Message, Hashable {
    public static let messageType: MessageType = "tenancy.lifecycle.RemoveMember.v1"

    public var userID: UserID

    public init(userID: UserID) {
        self.userID = userID
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
    }
}
