import ArgumentParser
import Foundation

struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "The emails Tenancy sent (or could not send) about a workspace.",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A workspace's notifications, newest first, with their delivery state.",
            discussion: "Example: tenancy notifications list ws_... --recipient owner@acme.example --status failed"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Option(help: "Only those sent to this address.") var recipient: String?
        @Option(help: "pending, sent, failed or not_sent.") var status: String?
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.notifications),
                path: "/workspaces/\(workspaceID)/notifications",
                filters: ["recipient": recipient, "status": status],
                name: "notifications",
                page: page,
                json: options.json
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One notification with its subject and bodies.",
            discussion: "Example: tenancy notifications show ntf_..."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Notification id (ntf_...).") var notificationID: String

        func run() async throws {
            try await ReadClient.show(try options.reads(.notifications), path: "/notifications/\(notificationID)", json: options.json)
        }
    }
}
