import Models

/// Members: changing roles and removing members needs `workspace.write` and a role at least as
/// powerful as the member's; nobody can grant a role above their own; the last Owner stays.
enum MemberRules {
    /// A member of the caller's workspace as these rules see them.
    struct MemberState: Sendable {
        var role: Role
        /// Owners of the workspace, this member included if they are one.
        var ownerCount: Int
        /// Their keys in this workspace that are not revoked.
        var activeKeys: [ClientID]
    }

    static func changeRole(_ command: ChangeMemberRole, by principal: Principal, member: MemberState?) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "changing a member's role")
        let member = try existing(member, command.userID)
        guard member.role >= caller.role else {
            throw Rejection(.forbidden, "you cannot change the role of a member above your own role (\(caller.role.rawValue))")
        }
        guard command.role >= caller.role else {
            throw Rejection(.forbidden, "you cannot grant a role above your own (\(caller.role.rawValue))", field: "role")
        }
        guard command.role != member.role else {
            throw .invalid("role", "the member already has the \(member.role.rawValue) role")
        }
        if member.role == .owner, member.ownerCount <= 1 {
            throw Rejection(.lastOwner, "this is the workspace's last Owner; make another member Owner first")
        }
        let event = MemberRoleChanged(
            workspaceID: caller.workspaceID,
            userID: command.userID,
            role: command.role,
            previousRole: member.role,
            changedBy: caller.userID
        )
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
    }

    /// Anyone may leave; removing someone else needs `workspace.write`. Their keys here are revoked.
    static func remove(_ command: RemoveMember, by principal: Principal, member: MemberState?) throws(Rejection) -> CommandOutcome {
        guard case .member(let caller) = principal else {
            throw Rejection(.forbidden, "removing a member needs a workspace member's API key")
        }
        if command.userID != caller.userID {
            _ = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "removing another member")
        }
        let member = try existing(member, command.userID)
        guard member.role >= caller.role else {
            throw Rejection(.forbidden, "you cannot remove a member above your own role (\(caller.role.rawValue))")
        }
        if member.role == .owner, member.ownerCount <= 1 {
            throw Rejection(.lastOwner, "this is the workspace's last Owner; make another member Owner first")
        }
        let subject = caller.workspaceID.rawValue
        let revocations = member.activeKeys.map {
            DomainEvent(
                APIKeyRevoked(clientID: $0, workspaceID: caller.workspaceID, userID: command.userID, revokedBy: caller.userID),
                subject: subject
            )
        }
        return CommandOutcome(
            events: [DomainEvent(MemberRemoved(workspaceID: caller.workspaceID, userID: command.userID, removedBy: caller.userID), subject: subject)]
                + revocations
        )
    }

    private static func existing(_ member: MemberState?, _ userID: UserID) throws(Rejection) -> MemberState {
        guard let member else {
            throw Rejection(.notFound, "user '\(userID)' is not a member of this workspace", field: "user_id")
        }
        return member
    }
}
