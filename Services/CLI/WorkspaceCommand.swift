import ArgumentParser
import Foundation
import Models

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Workspaces.",
        subcommands: [Create.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a workspace; you become its Owner and get a new API key for it.",
            discussion: "Needs an Owner key with organizations.write and the org's workspace_creation feature. Example: tenancy workspace create --name Staging"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Name, unique in the organization. Default: the first free 'Workspace N'.") var name: String?
        @Flag(help: "Copy your current workspace's IdP settings and claim mappings.") var copySSOConfig = false

        func run() async throws {
            try await sendToLifecycle(CreateWorkspace(name: name, copySSOConfig: copySSOConfig ? true : nil), options: options)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a workspace and its members.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        func run() async throws {
            try await ReadClient.show(options.lifecycleURL, path: "/workspaces/\(workspaceID)")
        }
    }
}
