import ArgumentParser
import Foundation
import Models

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "API keys of your workspace.",
        subcommands: [Issue.self, IssueOwner.self, Revoke.self, List.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new API key for yourself; its secret is shown once.",
            discussion: """
                The new key carries only scopes your key holds and expires no later than your key and the organization's
                maximum key lifetime (`tenancy org show`); asking for more is refused (forbidden). `tenancy key list WS`
                shows its expiry. Example: tenancy key issue --scope workspace.read --scope workflows.write --expires-in-days 30
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(name: .customLong("scope"), help: "Scope to grant, repeatable. Default: all of your key's scopes.") var scopes: [String] = []
        @Option(help: "Days until the key expires. Default: when your key expires or the organization's maximum lifetime, whichever is sooner.")
        var expiresInDays: Int?

        func run() async throws {
            let expiry = try expiresInDays.map { days in
                guard days > 0 else { throw ValidationError("--expires-in-days must be positive") }
                return Date().addingTimeInterval(Double(days) * 86_400)
            }
            let command = IssueAPIKey(scopes: scopes.isEmpty ? nil : scopes.map(Scope.init(rawValue:)), expiresAt: expiry)
            try await sendToLifecycle(command, options: options)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key of your workspace, and every key it issued, down the chain.",
            discussion: """
                The keys it issued with `key issue` or `workspace create`, in any workspace, and those they issued, are
                revoked with it. Example: tenancy key revoke key_0123abcd
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Client id of the key (key_...).") var clientID: String

        func run() async throws {
            try await sendToLifecycle(RevokeAPIKey(clientID: ClientID(rawValue: clientID)), options: options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's API keys (never their secrets).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/api-keys",
                name: "api_keys",
                page: page,
                json: options.json
            )
        }
    }

    struct IssueOwner: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-owner",
            abstract: "Operator: issue a key with all Owner scopes, for the organization's maximum key lifetime, to an Owner of a workspace.",
            discussion: "The way back in after a reactivation. Example: tenancy key issue-owner ws_... usr_... --as-operator"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Argument(help: "User id (usr_...) of an Owner of the workspace.") var userID: String

        func run() async throws {
            try await sendAndReport(
                IssueOwnerKey(workspaceID: WorkspaceID(rawValue: workspaceID), userID: UserID(rawValue: userID)),
                topic: \.lifecycleCommands,
                key: workspaceID,
                options: options
            )
        }
    }
}
