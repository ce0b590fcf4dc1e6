import Foundation
import Models
import Yams

/// A provisioning file (YAML or JSON): one new workspace and everything to set up in it.
struct ProvisioningPlan: Decodable {
    struct Workspace: Decodable {
        var name: String
        var copySSOConfig: Bool?
        enum CodingKeys: String, CodingKey {
            case name
            case copySSOConfig = "copy_sso_config"
        }
    }

    struct ClaimMapping: Decodable {
        var claim: String
        var value: String
        var role: Role
    }
    struct User: Decodable {
        var email: String
        var role: Role
    }

    /// A secret value comes from an environment variable or a file, never from the plan itself.
    struct SecretReference: Decodable {
        var env: String?
        var file: String?
    }

    struct Integration: Decodable {
        var kind: IntegrationKind
        var vendor: String
        var name: String
        var parameters: [String: String]?
        var secrets: [String: SecretReference]?
        var oauth: Bool?
    }

    struct Runner: Decodable {
        var name: String
        var platform: RunnerPlatform
    }

    struct Workflow: Decodable {
        var name: String
        /// YAML file of the workflow, relative to the plan.
        var file: String
        var publish: Bool?
        var tags: [String]?
    }

    var workspace: Workspace
    var claimMappings: [ClaimMapping]?
    var users: [User]?
    var integrations: [Integration]?
    var stepRunners: [Runner]?
    var workflows: [Workflow]?

    enum CodingKeys: String, CodingKey {
        case workspace
        case claimMappings = "claim_mappings"
        case users, integrations
        case stepRunners = "step_runners"
        case workflows
    }

    static func load(_ path: String) throws -> ProvisioningPlan {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        do {
            return try YAMLDecoder().decode(ProvisioningPlan.self, from: text)
        } catch {
            throw CLIError("\(path) is not a valid provisioning file: \(error)")
        }
    }

    /// Reads every referenced secret now, so a missing one stops the run before anything is sent.
    func resolveSecrets(relativeTo directory: URL) throws -> [String: [String: String]] {
        var resolved: [String: [String: String]] = [:]
        for integration in integrations ?? [] {
            for (field, reference) in integration.secrets ?? [:] {
                let value: String?
                if let variable = reference.env {
                    value = ProcessInfo.processInfo.environment[variable]
                } else if let file = reference.file {
                    value = try? String(contentsOf: URL(fileURLWithPath: file, relativeTo: directory), encoding: .utf8).trimmingCharacters(
                        in: .newlines
                    )
                } else {
                    value = nil
                }
                guard let value, !value.isEmpty else {
                    throw CLIError("integration '\(integration.name)': secret '\(field)' needs an existing env variable or file")
                }
                resolved[integration.name, default: [:]][field] = value
            }
        }
        return resolved
    }

    /// The steps, in order, as people read them.
    var steps: [String] {
        var steps = ["create workspace '\(workspace.name)'\(workspace.copySSOConfig == true ? " copying SSO settings and claim mappings" : "")"]
        steps += (claimMappings ?? []).map { "map claim \($0.claim)=\($0.value) to \($0.role.rawValue)" }
        if let users, !users.isEmpty {
            steps.append(
                "invite \(users.count) user(s), each accepting with the token emailed to them: "
                    + users.map { "\($0.email) as \($0.role.rawValue)" }.joined(separator: ", ")
            )
        }
        steps += (integrations ?? []).map {
            "create \($0.kind.rawValue) integration '\($0.name)' (\($0.vendor); secret fields: \(($0.secrets ?? [:]).keys.sorted().joined(separator: ", ")))"
        }
        steps += (stepRunners ?? []).map { "create step runner '\($0.name)' on \($0.platform.rawValue)" }
        for workflow in workflows ?? [] {
            steps.append(
                "import workflow '\(workflow.name)' from \(workflow.file)\(workflow.publish == true ? " and publish it" : "")\(workflow.tags.map { " tagged \($0.joined(separator: ", "))" } ?? "")"
            )
        }
        return steps
    }
}
