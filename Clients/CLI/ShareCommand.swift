import ArgumentParser
import Foundation
import Models

struct ShareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Share integrations with other workspaces of your organization, and decide on requests.",
        discussion: """
            Sharing needs the Owner role and the resource.share scope, and the organization's
            cross_workspace_sharing feature. Use a key of the source workspace to share and revoke, and a
            key of the destination workspace to accept, deny or remove.
            """,
        subcommands: [Create.self, Accept.self, Deny.self, Revoke.self, Remove.self, List.self, Pending.self, Show.self, Destinations.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share an integration of your workspace with one or more workspaces you are a member of.",
            discussion: """
                Accepted at once where you are an Owner of the destination; pending until its Owners decide elsewhere.
                Example: tenancy share create int_... --to ws_a --to ws_b --expires-in-days 3
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Integration id (int_...) in your workspace.") var integrationID: String
        @Option(name: .customLong("to"), help: "Destination workspace id, repeatable (each gets its own result).") var destinations: [String]
        @Option(help: "Days a pending request waits for a decision (1-30, default 7).") var expiresInDays: Int?

        func run() async throws {
            let integration = IntegrationID(rawValue: integrationID)
            if destinations.count == 1 {
                try await sendToSharing(
                    CreateShareRequest(
                        integrationID: integration,
                        destinationWorkspaceID: WorkspaceID(rawValue: destinations[0]),
                        expiresInDays: expiresInDays
                    ),
                    options: options
                )
            } else {
                try await sendToSharing(
                    BulkCreateShareRequests(
                        integrationID: integration,
                        destinationWorkspaceIDs: destinations.map(WorkspaceID.init(rawValue:)),
                        expiresInDays: expiresInDays
                    ),
                    options: options
                )
            }
        }

        func validate() throws {
            guard !destinations.isEmpty else { throw ValidationError("give at least one --to WORKSPACE") }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a pending share request (with a key of the destination workspace).",
            discussion: "Example: tenancy share accept shr_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Share id (shr_...).") var shareID: String

        func run() async throws {
            try await sendToSharing(AcceptShareRequest(shareID: ShareID(rawValue: shareID)), options: options)
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deny a pending share request; the sharer is told the reason.",
            discussion: "Example: tenancy share deny shr_... --reason 'We use our own Slack app'"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Share id (shr_...).") var shareID: String
        @Option(help: "Why, up to 500 characters.") var reason: String?

        func run() async throws {
            try await sendToSharing(DenyShareRequest(shareID: ShareID(rawValue: shareID), reason: reason), options: options)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop sharing an integration: with one destination, or with all of them.",
            discussion:
                "Accepted shares are revoked (their copies disappear), pending requests cancelled. Example: tenancy share revoke int_... --destination ws_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Integration id (int_...) in your workspace.") var integrationID: String
        @Option(help: "Only this destination workspace; all destinations when omitted.") var destination: String?

        func run() async throws {
            try await sendToSharing(
                RevokeShare(
                    integrationID: IntegrationID(rawValue: integrationID),
                    destinationWorkspaceID: destination.map(WorkspaceID.init(rawValue:))
                ),
                options: options
            )
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an integration shared into your workspace (its id as listed there).",
            discussion: "Example: tenancy share remove int_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The shared copy's integration id in your workspace.") var integrationID: String

        func run() async throws {
            try await sendToSharing(RemoveSharedIntegration(integrationID: IntegrationID(rawValue: integrationID)), options: options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shares to and from a workspace.",
            discussion: "Example: tenancy share list ws_... --direction from --status accepted --kind secret"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Option(help: "'to' (shared into the workspace) or 'from' (shared by it).") var direction: ShareDirection?
        @Option(help: "step, trigger or secret.") var kind: IntegrationKind?
        @Option(help: "pending, accepted, denied, expired, cancelled, revoked or removed.") var status: ShareStatus?
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.sharing),
                path: "/workspaces/\(workspaceID)/shares",
                filters: ["direction": direction?.rawValue, "kind": kind?.rawValue, "status": status?.rawValue],
                name: "shares",
                page: page,
                json: options.json
            )
        }
    }

    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share requests awaiting a workspace's decision.",
            discussion: "Example: tenancy share pending ws_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.sharing),
                path: "/workspaces/\(workspaceID)/share-requests",
                name: "share_requests",
                page: page,
                json: options.json
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One share with its history: who did what, when and why.",
            discussion: "Example: tenancy share show shr_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Share id (shr_...).") var shareID: String

        func run() async throws {
            try await ReadClient.show(try options.reads(.sharing), path: "/shares/\(shareID)", json: options.json)
        }
    }

    struct Destinations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The workspaces an integration is shared with or offered to.",
            discussion: "Example: tenancy share destinations int_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Integration id (int_...) of the source workspace.") var integrationID: String

        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.sharing),
                path: "/integrations/\(integrationID)/destinations",
                name: "destinations",
                page: page,
                json: options.json
            )
        }
    }
}

enum ShareDirection: String, ExpressibleByArgument, CaseIterable {
    case to, from
}

extension ShareStatus: ExpressibleByArgument {}
