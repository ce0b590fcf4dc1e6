import Models

/// The member commands, each with the member as the caller may see them.
enum MemberCommands {
    static let table = LifecycleCommandTable()
        .authenticated(ChangeMemberRole.self) { command, request in
            try MemberRules.changeRole(
                command,
                by: request.principal,
                member: MemberStore.member(command.userID, visibleTo: request.principal, db: request.db)
            )
        }
        .authenticated(RemoveMember.self) { command, request in
            try MemberRules.remove(
                command,
                by: request.principal,
                member: MemberStore.member(command.userID, visibleTo: request.principal, db: request.db)
            )
        }
}
