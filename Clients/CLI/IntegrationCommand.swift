import ArgumentParser
import Foundation
import Hashing
import Models

struct IntegrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integration",
        abstract: "Integrations of your workspace.",
        discussion: "Secret values are read from environment variables named with --secret-env FIELD=VARIABLE, never from flags.",
        subcommands: [Create.self, Update.self, Delete.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a step, trigger or secret integration.",
            discussion:
                "Example: SLACK_TOKEN=... tenancy integration create --kind step --vendor slack --name Alerts --param channel=#sec --secret-env token=SLACK_TOKEN"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "step, trigger or secret.") var kind: IntegrationKind
        @Option(help: "Vendor, e.g. slack.") var vendor: String
        @Option(help: "Name, unique in the workspace for its kind.") var name: String
        @Option(name: .customLong("param"), help: ArgumentHelp("Parameter, repeatable.", valueName: "field=value")) var parameters: [String] = []
        @Option(
            name: .customLong("secret-env"),
            help: ArgumentHelp("Secret field from an environment variable, repeatable.", valueName: "field=VARIABLE")
        ) var secretVariables: [String] = []
        @Flag(help: "An OAuth integration that refreshes its tokens.") var oauth = false

        func run() async throws {
            let id = options.commandID ?? CommandID.make()
            let command = CreateIntegration(
                kind: kind,
                vendor: vendor,
                name: name,
                parameters: try pairs(parameters),
                sealedSecrets: try await SealedForLifecycle.secrets(try secretsFromEnvironment(secretVariables), commandID: id, options: options),
                oauth: oauth ? true : nil
            )
            try await sendToLifecycle(command, id: id, options: options)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename, replace parameters, set or remove secret fields.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Integration id (int_...).") var integrationID: String
        @Option(help: "New name.") var name: String?
        @Option(
            name: .customLong("param"),
            help: ArgumentHelp("Parameter (replaces all parameters when given), repeatable.", valueName: "field=value")
        ) var parameters: [String] = []
        @Option(
            name: .customLong("secret-env"),
            help: ArgumentHelp("Secret field to set, from an environment variable.", valueName: "field=VARIABLE")
        ) var secretVariables: [String] = []
        @Option(name: .customLong("remove-secret"), help: "Secret field to remove, repeatable.") var removeSecrets: [String] = []

        func run() async throws {
            let id = options.commandID ?? CommandID.make()
            let command = UpdateIntegration(
                integrationID: IntegrationID(rawValue: integrationID),
                name: name,
                parameters: parameters.isEmpty ? nil : try pairs(parameters),
                sealedSecrets: try await SealedForLifecycle.secrets(try secretsFromEnvironment(secretVariables), commandID: id, options: options),
                removeSecrets: removeSecrets.isEmpty ? nil : removeSecrets
            )
            try await sendToLifecycle(command, id: id, options: options)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an integration and its secrets.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Integration id (int_...).") var integrationID: String

        func run() async throws {
            try await sendToLifecycle(DeleteIntegration(integrationID: IntegrationID(rawValue: integrationID)), options: options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a workspace's integrations, its own and those shared into it (secret field names only).",
            discussion: "Example: tenancy integration list ws_... --kind step --shared to"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Option(help: "Only this kind: step, trigger or secret.") var kind: IntegrationKind?
        @Option(help: "Only those shared 'to' this workspace (read-only copies), shared 'from' it, or 'none'.") var shared: SharedFilter?
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/integrations",
                filters: ["kind": kind?.rawValue, "shared": shared?.rawValue],
                name: "integrations",
                page: page,
                json: options.json
            )
        }
    }
}

private func pairs(_ values: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in values {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ValidationError("expected field=value, got '\(pair.prefix(40))'")
        }
        result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return result
}

private func secretsFromEnvironment(_ mappings: [String]) throws -> [String: String] {
    try pairs(mappings).mapValues { variable in
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw ValidationError("environment variable \(variable) is not set")
        }
        return value
    }
}

extension IntegrationKind: ExpressibleByArgument {}

enum SharedFilter: String, ExpressibleByArgument, CaseIterable {
    case to, from, none
}
