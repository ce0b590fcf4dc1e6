import ArgumentParser
import Foundation
import Models

struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner",
        abstract: "Step runners of your workspace.",
        subcommands: [Create.self, Delete.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a step runner; prints its install command (with a one-time registration token, shown once).",
            discussion: "Platforms: docker, kubernetes, linux. Example: tenancy runner create edge-1 --platform docker"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Name: lower-case letters, digits and dashes.") var name: String
        @Option(help: "docker, kubernetes or linux.") var platform: RunnerPlatform

        func run() async throws {
            try await sendToLifecycle(CreateStepRunner(name: name, platform: platform), options: options)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a step runner.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Runner id (run_...).") var runnerID: String

        func run() async throws {
            try await sendToLifecycle(DeleteStepRunner(runnerID: RunnerID(rawValue: runnerID)), options: options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's step runners.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/step-runners",
                name: "step_runners",
                page: page,
                json: options.json
            )
        }
    }
}

extension RunnerPlatform: ExpressibleByArgument {}
