import ArgumentParser
import Foundation
import Logging
import Models

struct ProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Create and set up a workspace from a YAML or JSON file; safe to run again.",
        discussion: """
            The file names the workspace (name, copy_sso_config) and what to set up in it: claim_mappings,
            users (email, role), integrations (kind, vendor, name, parameters, secrets as {env: VAR} or
            {file: path}), step_runners (name, platform) and workflows (name, file, publish, tags).
            The plan is printed first. Running the same file again changes nothing; a run stopped by a
            refusal continues where it stopped. The new workspace's key is kept in FILE.state.json (0600).
            Example: tenancy provision acme-prod.yaml
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "Provisioning file (YAML or JSON).") var file: String
    @Flag(help: "Print the plan and stop.") var planOnly = false

    func run() async throws {
        let plan = try ProvisioningPlan.load(file)
        print("plan for \(file):")
        for (index, step) in plan.steps.enumerated() { print("  \(index + 1). \(step)") }
        if planOnly { return }
        var logger = Logger(label: "tenancy.cli")
        logger.logLevel = .error
        let provisioner = Provisioner(options: options, plan: plan, planPath: file, sender: CommandSender(options: options, logger: logger))
        print("applying:")
        let created: [String: String]
        do {
            created = try await provisioner.run()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        print("created:")
        for (name, id) in created.sorted(by: { $0.key < $1.key }) { print("  \(name): \(id)") }
        print("  the workspace's client secret is in \(provisioner.statePath) (readable by you only)")
    }
}
