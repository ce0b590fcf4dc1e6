import ArgumentParser
import Foundation
import Models
import Sealing

/// Manages the operators the services accept: each has a name and a secret of their own.
struct OperatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operators",
        abstract: "Add operators (support staff, each with a name and a secret of their own).",
        subcommands: [Add.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an operator: their secret, and their line in every service's operators file.",
            discussion: """
                Writes <directory>/<name>.secret (mode 600, for the operator alone; they sign with it as
                TENANCY_OPERATOR_NAME=<name> TENANCY_OPERATOR_SECRET=$(cat ...) and --as-operator) and adds
                the line '<name> <signing key>' to <directory>/<service> for every service: give each
                service its own file with --operators-file. A service holds only its own signing keys,
                never the secret. The secret is 32 random bytes, or read from TENANCY_OPERATOR_SECRET
                when --secret-from-environment is given (it must be base64url of at least 32 bytes).
                Example: tenancy operators add alice --directory .run/operators
                """
        )

        @Argument(help: "The operator's name: lower-case letters, digits, '.', '_' or '-', starting with a letter.")
        var name: String

        @Option(help: "Directory of the operators files (created mode 700 when missing).")
        var directory: String

        @Flag(help: "Take the secret from TENANCY_OPERATOR_SECRET instead of making one.")
        var secretFromEnvironment = false

        func validate() throws {
            guard Signer.isOperatorName(name) else {
                throw ValidationError("'\(name)' is not an operator name: lower-case letters, digits, '.', '_' or '-', starting with a letter")
            }
        }

        func run() throws {
            let files = KeyFiles(directory: directory)
            try files.prepare()
            for service in ServiceKeys.services where files.exists(service) {
                if try OperatorKeys(parsing: files.read(service)).keys[name] != nil {
                    throw ValidationError("operator '\(name)' is already in \(files.path(service))")
                }
            }
            let secret = try secretToUse()
            try files.write(secret + "\n", to: "\(name).secret", secret: true)
            for service in ServiceKeys.services {
                let before = files.exists(service) ? try files.read(service) : ""
                try files.write(before + OperatorKeys.line(name: name, secret: secret, service: service) + "\n", to: service, secret: true)
            }
            print(
                "operator \(name): secret in \(files.path("\(name).secret")), lines in \(ServiceKeys.services.map(files.path).joined(separator: ", "))"
            )
        }

        private func secretToUse() throws -> String {
            guard secretFromEnvironment else { return OperatorKeys.newSecret() }
            guard let secret = ProcessInfo.processInfo.environment["TENANCY_OPERATOR_SECRET"], OperatorKeys.isStrong(secret) else {
                throw ValidationError("TENANCY_OPERATOR_SECRET must be base64url of at least \(OperatorKeys.minimumSecretBytes) random bytes")
            }
            return secret
        }
    }
}
