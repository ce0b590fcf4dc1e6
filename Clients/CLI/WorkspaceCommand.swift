import ArgumentParser
import Foundation
import Models

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Workspaces.",
        subcommands: [Create.self, Show.self, Deactivate.self, Reactivate.self, Status.self, Operation.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a workspace; you become its Owner and get a new API key for it.",
            discussion: """
                Needs an Owner key with organizations.write and the org's workspace_creation feature. The new key has your
                key's scopes and expires with it (or after the organization's maximum key lifetime, if sooner).
                Example: tenancy workspace create --name Staging
                """
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
            try await ReadClient.show(try options.reads(.lifecycle), path: "/workspaces/\(workspaceID)", json: options.json)
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a workspace offline, keeping its data; --dry-run lists what would be affected.",
            discussion: """
                Needs an API key of an Owner of the workspace carrying organizations.write, and the organization's
                workspace_deactivation feature. At once the workspace accepts no commands, its workflows are disabled,
                running executions stopped, OAuth integrations stop refreshing, API keys are revoked and shares from and
                to it are revoked; follow the rest with `tenancy workspace status WS`.
                Example: tenancy workspace deactivate ws_... --dry-run
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Flag(help: "Only list what would be affected; change nothing.") var dryRun = false

        func run() async throws {
            guard dryRun else {
                try await sendAndReport(
                    DeactivateWorkspace(workspaceID: WorkspaceID(rawValue: workspaceID)),
                    topic: \.deactivationCommands,
                    key: workspaceID,
                    options: options
                )
                return
            }
            let plan = try await DeactivationPlan.load(workspaceID, options: options)
            if options.json {
                print(String(decoding: JSONCoding.encode(plan), as: UTF8.self))
            } else {
                plan.printHuman()
            }
        }
    }

    struct Reactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a deactivated workspace back (operator only).",
            discussion: """
                Triggers come back disabled, OAuth integrations need reconfiguring, old API keys stay revoked and ended
                shares are not restored; the result lists the workflows' switches and the shares from before.
                Example: tenancy workspace reactivate ws_... --as-operator
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        func run() async throws {
            try await sendAndReport(
                ReactivateWorkspace(workspaceID: WorkspaceID(rawValue: workspaceID)),
                topic: \.deactivationCommands,
                key: workspaceID,
                options: options
            )
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A workspace's status and its deactivation and reactivation operations, with each step's progress."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.deactivation),
                path: "/workspaces/\(workspaceID)/operations",
                name: "operations",
                page: page,
                json: options.json
            )
        }
    }

    struct Operation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One deactivation or reactivation by its operation id.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Operation id (op_...).") var operationID: String

        func run() async throws {
            try await ReadClient.show(try options.reads(.deactivation), path: "/operations/\(operationID)", json: options.json)
        }
    }
}
