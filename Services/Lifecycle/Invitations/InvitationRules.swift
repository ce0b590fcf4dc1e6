import Foundation
import Hashing
import Models

/// Invitations: members with `users.invite` invite addresses with a role no more powerful than
/// their own; the invited person accepts with the token and becomes a member with a first key. The
/// token is made from the invitation key and goes only into the email to the invited address
/// (Notifications writes it there): the inviter never sees it, so accepting proves control of the address.
enum InvitationRules {
    static let defaultExpiryDays = 7
    static let maxExpiryDays = 30
    static let maxBulk = 100

    /// The cap on the invitation emails of one workspace: at most ``perDay`` invitations sent in any
    /// ``window``, counted from the invitations it sent (revoked and replaced ones included: each was
    /// an email). An invitation over the cap is refused `rate_limited`, with the seconds until the
    /// oldest send that keeps the window full leaves it.
    struct SendCap: Sendable, Hashable {
        static let window: TimeInterval = 86_400
        static let defaultPerDay = 100
        static let none = SendCap(perDay: 0)

        /// Most invitations per ``window``; 0: no cap.
        var perDay: Int
        /// Invitations the workspace sent in the last ``window``.
        var sent = 0
        /// When the send that must leave the window for one more to fit was made: the
        /// `max(0, sent - perDay)`-th oldest in it (from 0); nil when the window is empty.
        var oldestHolding: Date?

        /// How many more the workspace may send now; nil without a cap.
        var remaining: Int? { perDay > 0 ? max(0, perDay - sent) : nil }

        /// The refusal of an invitation over the cap, at `now`. Once the cap is reached within this
        /// command, the window's oldest send (or this command's own, when it holds no older one) is
        /// the one that must leave.
        func refusal(now: Date, field: String? = nil) -> Rejection {
            let leaves = (oldestHolding ?? now).addingTimeInterval(Self.window)
            return Rejection(
                .rateLimited,
                "this workspace has sent its \(perDay) invitations of the last 24 hours; invite again after retry_after_seconds",
                field: field,
                retryAfterSeconds: max(1, leaves.timeIntervalSince(now).rounded(.up))
            )
        }
    }

    /// What is known about an address in the caller's workspace.
    struct InviteeState: Sendable, Hashable {
        var isMember = false
        var pendingInvitation: InvitationID?
    }

    /// An invitation as the accept and revoke rules see it.
    struct InvitationState: Sendable {
        var workspaceID: WorkspaceID
        var email: String
        var role: Role
        var status: InvitationStatus
        var expiresAt: Date
        var tokenHash: String
        var workspaceActive: Bool
        /// The user of the workspace's organization registered with the invited email, if any (never
        /// a user of another organization), and whether they are a member.
        var existingUser: UserID?
        var isMember: Bool
        /// The longest a key of the workspace's organization may live: the accepted key's lifetime.
        var maxKeyLifetimeDays = KeyLifetime.defaultMaximumDays
    }

    /// Refused `rate_limited` when the workspace has sent its cap of invitations in the last 24 hours.
    static func invite(
        _ command: InviteUser,
        by principal: Principal,
        invitee: InviteeState,
        cap: SendCap,
        key: InvitationTokenKey,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .usersInvite, to: "inviting users")
        let days = try expiryDays(command.expiresInDays)
        let email = try Validation.email(command.email, field: "email")
        let made = try invitation(
            email: email,
            role: command.role,
            field: "",
            caller: caller,
            invitee: invitee,
            days: days,
            label: "invitation",
            key: key,
            context: context
        )
        guard cap.remaining != 0 else { throw cap.refusal(now: context.now) }
        return CommandOutcome(events: made.events, created: ["invitation_id": made.id.rawValue])
    }

    /// Each item is decided on its own: one bad address does not stop the others. Under the cap,
    /// the first valid items up to what the workspace may still send go out and the rest are refused
    /// each `rate_limited`; when the cap stops every item that would have gone out, the whole
    /// command is refused `rate_limited` (not recorded: the same command can be sent again later).
    static func bulkInvite(
        _ command: BulkInviteUsers,
        by principal: Principal,
        invitees: [String: InviteeState],
        cap: SendCap,
        key: InvitationTokenKey,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .usersInvite, to: "inviting users")
        guard (1...maxBulk).contains(command.invitations.count) else {
            throw .invalid("invitations", "give 1 to \(maxBulk) invitations")
        }
        let days = try expiryDays(command.expiresInDays)
        var events: [DomainEvent] = []
        var items: [ItemResult] = []
        var seen: Set<String> = []
        var remaining = cap.remaining
        var capped = false
        for (index, invitee) in command.invitations.enumerated() {
            let field = "invitations.\(index)."
            do throws(Rejection) {
                let email = try Validation.email(invitee.email, field: field + "email")
                guard seen.insert(email).inserted else { throw .invalid(field + "email", "appears more than once in this request") }
                let made = try invitation(
                    email: email,
                    role: invitee.role,
                    field: field,
                    caller: caller,
                    invitee: invitees[email] ?? InviteeState(),
                    days: days,
                    label: "invitation.\(index)",
                    key: key,
                    context: context
                )
                if let left = remaining {
                    guard left > 0 else {
                        capped = true
                        throw cap.refusal(now: context.now, field: field + "email")
                    }
                    remaining = left - 1
                }
                events += made.events
                items.append(ItemResult(index: index, status: .accepted, created: ["invitation_id": made.id.rawValue]))
            } catch {
                items.append(ItemResult(index: index, status: .rejected, error: error))
            }
        }
        if capped, events.isEmpty { throw cap.refusal(now: context.now) }
        return CommandOutcome(events: events, items: items)
    }

    /// `token` is the one the command carries, opened.
    static func accept(
        _ command: AcceptInvitation,
        token: String,
        invitation state: InvitationState?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        guard let state else {
            throw Rejection(.notFound, "invitation '\(command.invitationID)' does not exist", field: "invitation_id")
        }
        guard Secret.matches(token, hash: state.tokenHash) else {
            throw Rejection(.unauthenticated, "the invitation token is wrong", field: "sealed_token")
        }
        guard state.status == .pending else {
            throw Rejection(.notPending, "this invitation was already \(state.status.rawValue)")
        }
        guard context.now < state.expiresAt else {
            throw Rejection(.notPending, "this invitation expired at \(Timestamp.format(state.expiresAt)); ask for a new one")
        }
        guard state.workspaceActive else {
            throw Rejection(.workspaceInactive, "workspace '\(state.workspaceID)' is deactivated")
        }
        guard !state.isMember else {
            throw Rejection(.alreadyMember, "\(state.email) is already a member of this workspace")
        }
        let userID = state.existingUser ?? context.newID("user")
        let limit = ExpiryLimit(issuerExpiry: nil, maxLifetimeDays: state.maxKeyLifetimeDays, now: context.now)
        let key = KeyIssue.make(workspaceID: state.workspaceID, userID: userID, role: state.role, expiresAt: limit.latest, context: context)
        let subject = state.workspaceID.rawValue
        return CommandOutcome(
            events: [
                DomainEvent(MemberAdded(workspaceID: state.workspaceID, userID: userID, email: state.email, role: state.role), subject: subject),
                DomainEvent(InvitationAccepted(invitationID: command.invitationID, workspaceID: state.workspaceID, userID: userID), subject: subject),
                DomainEvent(key.event, subject: subject),
            ],
            created: ["workspace_id": subject, "user_id": userID.rawValue, "client_id": key.event.clientID.rawValue],
            secrets: ["client_secret": key.secret]
        )
    }

    static func revoke(
        _ command: RevokeInvitation,
        by principal: Principal,
        invitation state: InvitationState?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .usersInvite, to: "revoking invitations")
        guard let state, state.workspaceID == caller.workspaceID else {
            throw Rejection(.notFound, "no invitation '\(command.invitationID)' in this workspace", field: "invitation_id")
        }
        guard state.status == .pending, context.now < state.expiresAt else {
            throw Rejection(.notPending, "this invitation is no longer pending")
        }
        let event = InvitationRevoked(invitationID: command.invitationID, workspaceID: caller.workspaceID, reason: .revoked, revokedBy: caller.userID)
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
    }

    private static func invitation(
        email: String,
        role: Role,
        field: String,
        caller: Caller,
        invitee: InviteeState,
        days: Int,
        label: String,
        key: InvitationTokenKey,
        context: DecisionContext
    ) throws(Rejection) -> (events: [DomainEvent], id: InvitationID) {
        guard role >= caller.role else {
            throw Rejection(.forbidden, "you cannot invite with a role above your own (\(caller.role.rawValue))", field: field + "role")
        }
        guard !invitee.isMember else {
            throw Rejection(.alreadyMember, "\(email) is already a member of this workspace", field: field + "email")
        }
        let subject = caller.workspaceID.rawValue
        var events: [DomainEvent] = []
        if let pending = invitee.pendingInvitation {
            events.append(
                DomainEvent(
                    InvitationRevoked(invitationID: pending, workspaceID: caller.workspaceID, reason: .replaced, revokedBy: caller.userID),
                    subject: subject
                )
            )
        }
        let id: InvitationID = context.newID(label)
        let nonce = context.newSecret()
        let token = key.token(invitationID: id.rawValue, nonce: nonce)
        let sent = InvitationSent(
            invitationID: id,
            workspaceID: caller.workspaceID,
            email: email,
            role: role,
            expiresAt: context.now.addingTimeInterval(Double(days) * 86_400),
            invitedBy: caller.userID,
            tokenHash: Secret.hash(token),
            tokenNonce: nonce
        )
        events.append(DomainEvent(sent, subject: subject))
        return (events, id)
    }

    private static func expiryDays(_ requested: Int?) throws(Rejection) -> Int {
        let days = requested ?? defaultExpiryDays
        guard (1...maxExpiryDays).contains(days) else { throw .invalid("expires_in_days", "must be 1 to \(maxExpiryDays)") }
        return days
    }
}

/// Where an invitation stands. A `pending` one past its expiry is expired; nothing needs to update it.
enum InvitationStatus: String, Codable, Sendable {
    case pending, accepted, revoked, replaced
}
