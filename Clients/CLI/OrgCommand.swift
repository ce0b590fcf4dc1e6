import ArgumentParser
import Foundation
import Models

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Organizations (operator).",
        subcommands: [Create.self, Features.self, KeyLifetimeCommand.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization with its first workspace, owner and owner API key.",
            discussion:
                "Example: TENANCY_OPERATOR_NAME=alice TENANCY_OPERATOR_SECRET=... tenancy org create --as-operator --name Acme --owner-email ops@acme.example"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Organization name, unique.") var name: String
        @Option(help: "Email of the first Owner.") var ownerEmail: String
        @Option(help: "Name of the first workspace. Default: the organization's name.") var workspaceName: String?
        @Option(help: "Longest an API key of the organization may live, in days. Default: \(KeyLifetime.defaultMaximumDays).")
        var maxKeyLifetimeDays: Int?

        func run() async throws {
            let command = CreateOrganization(name: name, ownerEmail: ownerEmail, workspaceName: workspaceName, maxKeyLifetimeDays: maxKeyLifetimeDays)
            try await sendAndReport(command, topic: \.lifecycleCommands, key: name, options: options)
        }
    }

    struct Features: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable or disable organization features.",
            discussion: """
                Features: \(Feature.allCases.map(\.rawValue).joined(separator: ", ")).
                Example: tenancy org features org_123 --as-operator --enable workspace_creation --disable workspace_deactivation
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Organization id (org_...).") var organizationID: String
        @Option(help: "Feature to enable, repeatable.") var enable: [String] = []
        @Option(help: "Feature to disable, repeatable.") var disable: [String] = []

        func run() async throws {
            var features: [String: Bool] = [:]
            for feature in enable { features[feature] = true }
            for feature in disable { features[feature] = false }
            let command = SetOrganizationFeatures(organizationID: OrganizationID(rawValue: organizationID), features: features)
            try await sendAndReport(command, topic: \.lifecycleCommands, key: organizationID, options: options)
        }
    }

    struct KeyLifetimeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key-lifetime",
            abstract: "Set the longest an API key issued in the organization from now on may live.",
            discussion: """
                Keys already issued keep their expiry. A key without a requested expiry gets this lifetime, or its
                issuer's expiry if that is sooner. Example: tenancy org key-lifetime org_123 --days 90 --as-operator
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Organization id (org_...).") var organizationID: String
        @Option(help: "Days, from \(KeyLifetime.allowedMaximumDays.lowerBound) to \(KeyLifetime.allowedMaximumDays.upperBound).") var days: Int

        func run() async throws {
            let command = SetOrganizationKeyLifetime(organizationID: OrganizationID(rawValue: organizationID), maxKeyLifetimeDays: days)
            try await sendAndReport(command, topic: \.lifecycleCommands, key: organizationID, options: options)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an organization: features, maximum key lifetime and workspaces.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Organization id (org_...).") var organizationID: String

        func run() async throws {
            try await ReadClient.show(try options.reads(.lifecycle), path: "/organizations/\(organizationID)", json: options.json)
        }
    }
}
