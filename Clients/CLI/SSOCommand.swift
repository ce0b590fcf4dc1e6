import ArgumentParser
import Foundation
import Models

struct SSOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sso",
        abstract: "SSO settings and claim mappings of your workspace.",
        subcommands: [Configure.self, Copy.self, Show.self, MapClaim.self, Unmap.self, Mappings.self]
    )

    struct Configure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the identity provider: entity id, https sign-on URL, PEM signing certificate.",
            discussion: "Example: tenancy sso configure --entity-id urn:idp --sso-url https://idp.example/sso --certificate-file idp.pem"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "IdP entity id.") var entityID: String
        @Option(help: "IdP sign-on URL (https).") var ssoURL: String
        @Option(help: "File with the IdP's PEM signing certificate.") var certificateFile: String

        func run() async throws {
            let certificate = try String(contentsOfFile: certificateFile, encoding: .utf8)
            try await sendToLifecycle(ConfigureSSO(entityID: entityID, ssoURL: ssoURL, certificate: certificate), options: options)
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy the IdP settings of another workspace of your organization that you own.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Source workspace id (ws_...).") var sourceWorkspaceID: String

        func run() async throws {
            try await sendToLifecycle(CopySSOConfig(sourceWorkspaceID: WorkspaceID(rawValue: sourceWorkspaceID)), options: options)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a workspace's IdP settings.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        func run() async throws {
            try await ReadClient.show(try options.reads(.lifecycle), path: "/workspaces/\(workspaceID)/sso", json: options.json)
        }
    }

    struct MapClaim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "map-claim",
            abstract: "Map an IdP claim value to a role.",
            discussion: "Example: tenancy sso map-claim --claim groups --value secops --role operator"
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Claim name.") var claim: String
        @Option(help: "Claim value.") var value: String
        @Option(help: "Role: owner, admin, operator or viewer.") var role: Models.Role

        func run() async throws {
            try await sendToLifecycle(CreateClaimMapping(claim: claim, value: value, role: role), options: options)
        }
    }

    struct Unmap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a claim mapping.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Mapping id (cm_...).") var mappingID: String

        func run() async throws {
            try await sendToLifecycle(DeleteClaimMapping(mappingID: ClaimMappingID(rawValue: mappingID)), options: options)
        }
    }

    struct Mappings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's claim mappings.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String

        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/claim-mappings",
                name: "claim_mappings",
                page: page,
                json: options.json
            )
        }
    }
}
