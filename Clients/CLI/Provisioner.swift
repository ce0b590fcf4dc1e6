import Crypto
import Foundation
import Logging
import Models

/// Applies a ``ProvisioningPlan`` step by step. Each step's command id is derived from who acts and
/// what the step is, so running the same plan again replays the original results instead of doing
/// anything twice, and a run stopped by a refusal resumes where it stopped. The new workspace's key,
/// shown only once, is kept in a state file (mode 0600) beside the plan for resumed runs.
struct Provisioner {
    let options: ClientOptions
    let plan: ProvisioningPlan
    let planPath: String
    let sender: CommandSender

    struct State: Codable {
        var workspaceID: String
        var clientID: String
        var clientSecret: String
    }

    var statePath: String { planPath + ".state.json" }

    /// Returns what was created, by name.
    func run() async throws -> [String: String] {
        let secrets = try plan.resolveSecrets(relativeTo: URL(fileURLWithPath: planPath).deletingLastPathComponent())
        guard case .apiKey(let callerID, _) = try options.credential() else {
            throw CLIError("provisioning creates a workspace, which needs an Owner's API key, not the operator credential")
        }
        var created: [String: String] = [:]
        let workspace = try await step(
            "create workspace '\(plan.workspace.name)'",
            CreateWorkspace(name: plan.workspace.name, copySSOConfig: plan.workspace.copySSOConfig),
            scope: callerID.rawValue,
            key: nil
        )
        let state = try keep(workspace)
        created["workspace_id"] = state.workspaceID
        created["client_id"] = state.clientID
        let key = Credential.apiKey(clientID: ClientID(rawValue: state.clientID), secret: state.clientSecret)
        let scope = state.workspaceID

        for mapping in plan.claimMappings ?? [] {
            _ = try await step(
                "map claim \(mapping.claim)=\(mapping.value)",
                CreateClaimMapping(claim: mapping.claim, value: mapping.value, role: mapping.role),
                scope: scope,
                key: key
            )
        }
        if let users = plan.users, !users.isEmpty {
            let invited = try await step(
                "invite users",
                BulkInviteUsers(invitations: users.map { .init(email: $0.email, role: $0.role) }),
                scope: scope,
                key: key
            )
            for item in invited.items ?? [] {
                let email = users[item.index].email
                if let id = item.created["invitation_id"] {
                    print("    \(email): invitation \(id); its token goes to \(email) by email")
                } else if let error = item.error {
                    print("    \(email): \(error.code): \(error.message)")
                }
            }
        }
        for integration in plan.integrations ?? [] {
            let command = CreateIntegration(
                kind: integration.kind,
                vendor: integration.vendor,
                name: integration.name,
                parameters: integration.parameters,
                secrets: secrets[integration.name],
                oauth: integration.oauth
            )
            let result = try await step(
                "create integration '\(integration.name)'",
                command,
                scope: scope,
                key: key,
                identity: "integration:\(integration.kind.rawValue):\(integration.name)"
            )
            created["integration.\(integration.name)"] = result.created["integration_id"]
        }
        for runner in plan.stepRunners ?? [] {
            let result = try await step(
                "create step runner '\(runner.name)'",
                CreateStepRunner(name: runner.name, platform: runner.platform),
                scope: scope,
                key: key
            )
            created["runner.\(runner.name)"] = result.created["runner_id"]
            print("    install: \(result.secrets?["install_command"] ?? "(shown by the run that created it)")")
        }
        for workflow in plan.workflows ?? [] {
            let yaml = try String(
                contentsOf: URL(fileURLWithPath: workflow.file, relativeTo: URL(fileURLWithPath: planPath).deletingLastPathComponent()),
                encoding: .utf8
            )
            let imported = try await step(
                "import workflow '\(workflow.name)'",
                ImportWorkflow(name: workflow.name, yaml: yaml),
                scope: scope,
                key: key
            )
            guard let id = imported.created["workflow_id"], let revision = imported.created["revision_id"] else {
                throw CLIError("import of '\(workflow.name)' returned no ids")
            }
            created["workflow.\(workflow.name)"] = id
            if workflow.publish == true {
                _ = try await step(
                    "publish workflow '\(workflow.name)'",
                    PublishWorkflow(workflowID: WorkflowID(rawValue: id), revisionID: RevisionID(rawValue: revision)),
                    scope: scope,
                    key: key
                )
            }
            if let tags = workflow.tags, !tags.isEmpty {
                _ = try await step(
                    "tag workflow '\(workflow.name)'",
                    TagWorkflow(workflowID: WorkflowID(rawValue: id), add: tags),
                    scope: scope,
                    key: key
                )
            }
        }
        return created
    }

    /// Sends one step; a refusal stops the run (what is done stays done and is skipped next time).
    private func step<M: Message>(
        _ title: String,
        _ command: M,
        scope: String,
        key: Credential?,
        identity: String? = nil
    ) async throws -> CommandResult {
        let id = Self.commandID(scope: scope, step: identity ?? title)
        guard case .result(let result) = try await sender.send(command, to: options.topics.lifecycleCommands, key: scope, id: id, credential: key)
        else {
            throw CLIError("no result for step: \(title)")
        }
        guard result.status == .accepted else {
            let error = result.error ?? Rejection(.internalError, "no reason given")
            throw CLIError(
                "step '\(title)' was refused: \(error.code): \(error.message)\(error.field.map { " (field \($0))" } ?? ""). Fix the plan and run it again: finished steps are not repeated."
            )
        }
        print("  \(result.replayed == true ? "= already done:" : "+ done:") \(title)")
        return result
    }

    /// Keeps the new workspace's key: from this run's result, or from the state file of an earlier run.
    private func keep(_ result: CommandResult) throws -> State {
        guard let workspaceID = result.created["workspace_id"], let clientID = result.created["client_id"] else {
            throw CLIError("the workspace step returned no ids")
        }
        if let secret = result.secrets?["client_secret"] {
            let state = State(workspaceID: workspaceID, clientID: clientID, clientSecret: secret)
            let data = try JSONEncoder().encode(state)
            guard FileManager.default.createFile(atPath: statePath, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CLIError(
                    "could not write \(statePath). The new workspace's key, shown only once, store it now: client id \(clientID), client secret \(secret)"
                )
            }
            return state
        }
        guard let data = FileManager.default.contents(atPath: statePath), let state = try? JSONDecoder().decode(State.self, from: data),
            state.workspaceID == workspaceID
        else {
            throw CLIError(
                "workspace \(workspaceID) was created by an earlier run, but its key (shown once) is not in \(statePath); issue a key for it and continue by hand"
            )
        }
        return state
    }

    static func commandID(scope: String, step: String) -> String {
        let digest = SHA256.hash(data: Data("\(scope)\u{0}\(step)".utf8))
        return "prov-" + digest.prefix(20).map { String(format: "%02x", $0) }.joined()
    }
}
