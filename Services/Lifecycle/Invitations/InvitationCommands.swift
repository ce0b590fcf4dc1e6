import Models

extension AcceptInvitation: TokenCredential {
    var tokenHolder: String { invitationID.rawValue }
}
extension InvitationRules.InvitationState: TokenHashHolder {}

/// The invitation commands. Accepting carries the invitation's token as its credential: the
/// invited person has no key yet.
enum InvitationCommands {
    static let table = LifecycleCommandTable()
        .authenticated(InviteUser.self) { command, request in
            let invitees = try InvitationStore.invitees([command.email], in: request.principal.workspaceID, db: request.db)
            return try InvitationRules.invite(
                command,
                by: request.principal,
                invitee: invitees.values.first ?? .init(),
                cap: try request.invitationCap(),
                key: request.invitationKey,
                context: request.context
            )
        }
        .authenticated(BulkInviteUsers.self) { command, request in
            let invitees = try InvitationStore.invitees(command.invitations.map(\.email), in: request.principal.workspaceID, db: request.db)
            return try InvitationRules.bulkInvite(
                command,
                by: request.principal,
                invitees: invitees,
                cap: try request.invitationCap(),
                key: request.invitationKey,
                context: request.context
            )
        }
        .authenticated(RevokeInvitation.self) { command, request in
            try InvitationRules.revoke(
                command,
                by: request.principal,
                invitation: InvitationStore.invitation(command.invitationID, db: request.db),
                context: request.context
            )
        }
        .byToken(AcceptInvitation.self) { command, db in
            try InvitationStore.invitation(command.invitationID, db: db)
        } decide: { command, token, invitation, context in
            try InvitationRules.accept(command, token: token, invitation: invitation, context: context)
        }
}

extension AuthenticatedRequest {
    /// The cap on the caller's workspace's invitation emails, with what it sent in the last 24 hours.
    func invitationCap() throws -> InvitationRules.SendCap {
        try InvitationStore.sendCap(perDay: invitationsPerWorkspacePerDay, in: principal.workspaceID, now: context.now, db: db)
    }
}
