import ArgumentParser
import Foundation
import Hashing
import Models

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Members and invitations of your workspace.",
        subcommands: [Invite.self, InviteBulk.self, Accept.self, RevokeInvitation.self, Role.self, Remove.self, Invitations.self]
    )

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite an email address with a role; prints the invitation id. The token goes by email to that address only.",
            discussion: "Roles: owner, admin, operator, viewer. Example: tenancy user invite dev@acme.example --role operator"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Email address to invite.") var email: String
        @Option(help: "Role: owner, admin, operator or viewer.") var role: Models.Role
        @Option(help: "Days until the invitation expires (1-30). Default: 7.") var expiresInDays: Int?

        func run() async throws {
            try await sendToLifecycle(InviteUser(email: email, role: role, expiresInDays: expiresInDays), options: options)
        }
    }

    struct InviteBulk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invite-bulk",
            abstract:
                "Invite many addresses from a JSON file: [{\"email\": ..., \"role\": ...}, ...]. Each gets its own result, and its token by email.",
            discussion: "Example: tenancy user invite-bulk team.json"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "JSON file with an array of {email, role}.") var file: String
        @Option(help: "Days until the invitations expire (1-30). Default: 7.") var expiresInDays: Int?

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let invitees: [BulkInviteUsers.Invitee]
            do {
                invitees = try JSONDecoder().decode([BulkInviteUsers.Invitee].self, from: data)
            } catch {
                throw ValidationError("\(file) is not a JSON array of {\"email\": ..., \"role\": ...}: \(error)")
            }
            try await sendToLifecycle(BulkInviteUsers(invitations: invitees, expiresInDays: expiresInDays), options: options)
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept an invitation; you become a member and get your first API key (shown once).",
            discussion: """
                The token is in the invitation email sent to your address; it works once, until the invitation expires. \
                It is read from TENANCY_INVITATION_TOKEN, never from a flag. \
                Example (as the email shows it): TENANCY_INVITATION_TOKEN=... tenancy user accept inv_0123
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Invitation id (inv_...).") var invitationID: String

        func run() async throws {
            guard let token = ProcessInfo.processInfo.environment["TENANCY_INVITATION_TOKEN"], !token.isEmpty else {
                throw ValidationError("set TENANCY_INVITATION_TOKEN to the token in your invitation email")
            }
            // Sealed to Lifecycle for this command id: the token is never in clear on the topic.
            let id = options.commandID ?? CommandID.make()
            try await sendAndReport(
                AcceptInvitation(
                    invitationID: InvitationID(rawValue: invitationID),
                    sealedToken: try await SealedForLifecycle.token(token, commandID: id, options: options)
                ),
                topic: \.lifecycleCommands,
                key: invitationID,
                id: id,
                options: options,
                authenticated: false
            )
        }
    }

    struct RevokeInvitation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-invitation", abstract: "Withdraw a pending invitation.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Invitation id (inv_...).") var invitationID: String

        func run() async throws {
            try await sendToLifecycle(Models.RevokeInvitation(invitationID: InvitationID(rawValue: invitationID)), options: options)
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a member's role.", discussion: "Example: tenancy user role usr_0123 admin")
        @OptionGroup var options: ClientOptions
        @Argument(help: "User id (usr_...).") var userID: String
        @Argument(help: "New role: owner, admin, operator or viewer.") var role: Models.Role

        func run() async throws {
            try await sendToLifecycle(ChangeMemberRole(userID: UserID(rawValue: userID), role: role), options: options)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member (or yourself); their keys in this workspace are revoked.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "User id (usr_...).") var userID: String

        func run() async throws {
            try await sendToLifecycle(RemoveMember(userID: UserID(rawValue: userID)), options: options)
        }
    }

    struct Invitations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's invitations and their state.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/invitations",
                name: "invitations",
                page: page,
                json: options.json
            )
        }
    }
}

extension Models.Role: ExpressibleByArgument {}
