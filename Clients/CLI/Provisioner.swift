import Crypto
import Foundation
import Hashing
import Logging
import Models
import Progress

/// Applies a ``ProvisioningPlan`` step by step. Each step's command id is derived from a random salt,
/// who acts and what the step is, so running the same plan again replays the original results
/// instead of doing anything twice, and a run stopped by a refusal resumes where it stopped. The salt
/// (made before the first step) and the new workspace's key (shown only once) are kept in a state
/// file (mode 0600) beside the plan; without the salt nobody can predict the command ids, so nobody
/// can send one first.
struct Provisioner {
    let options: ClientOptions
    let plan: ProvisioningPlan
    let planPath: String
    let sender: CommandSender
    /// A line per step on a terminal: its number of ``stepCount`` and the time since the start.
    let progress: ProgressLines

    init(options: ClientOptions, plan: ProvisioningPlan, planPath: String, sender: CommandSender) {
        self.options = options
        self.plan = plan
        self.planPath = planPath
        self.sender = sender
        progress = ProgressLines(total: Self.stepCount(of: plan))
    }

    /// How many commands applying `plan` sends.
    static func stepCount(of plan: ProvisioningPlan) -> Int {
        let workflows = (plan.workflows ?? []).reduce(0) { count, workflow in
            count + 1 + (workflow.publish == true ? 1 : 0) + (workflow.tags?.isEmpty == false ? 1 : 0)
        }
        return 1 + (plan.claimMappings?.count ?? 0) + (plan.users?.isEmpty == false ? 1 : 0) + (plan.integrations?.count ?? 0)
            + (plan.stepRunners?.count ?? 0) + workflows
    }

    /// What a run keeps for the runs after it.
    struct State: Codable {
        /// Mixed into every command id of the plan; empty in a state file from before salts, whose
        /// runs resume with the ids they started with.
        var salt: String
        var workspaceID: String?
        var clientID: String?
        var clientSecret: String?
    }

    var statePath: String { planPath + ".state.json" }

    /// Returns what was created, by name.
    func run() async throws -> [String: String] {
        let secrets = try plan.resolveSecrets(relativeTo: URL(fileURLWithPath: planPath).deletingLastPathComponent())
        guard case .apiKey(let callerID, _) = try options.credential() else {
            throw CLIError("provisioning creates a workspace, which needs an Owner's API key, not the operator credential")
        }
        var state = try loadState()
        var created: [String: String] = [:]
        let workspace = try await step(
            "create workspace '\(plan.workspace.name)'",
            CreateWorkspace(name: plan.workspace.name, copySSOConfig: plan.workspace.copySSOConfig),
            scope: callerID.rawValue,
            salt: state.salt,
            key: nil
        )
        let (workspaceID, clientID, clientSecret) = try keep(workspace, in: &state)
        created["workspace_id"] = workspaceID
        created["client_id"] = clientID
        let key = Credential.apiKey(clientID: ClientID(rawValue: clientID), secret: clientSecret)
        let scope = workspaceID
        let salt = state.salt

        for mapping in plan.claimMappings ?? [] {
            _ = try await step(
                "map claim \(mapping.claim)=\(mapping.value)",
                CreateClaimMapping(claim: mapping.claim, value: mapping.value, role: mapping.role),
                scope: scope,
                salt: salt,
                key: key
            )
        }
        if let users = plan.users, !users.isEmpty {
            let invited = try await step(
                "invite users",
                BulkInviteUsers(invitations: users.map { .init(email: $0.email, role: $0.role) }),
                scope: scope,
                salt: salt,
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
            let identity = "integration:\(integration.kind.rawValue):\(integration.name)"
            // Sealed for this step's command id, which a resumed run sends again.
            let sealed = try await SealedForLifecycle.secrets(
                secrets[integration.name] ?? [:],
                commandID: Self.commandID(salt: salt, scope: scope, step: identity),
                options: options
            )
            let command = CreateIntegration(
                kind: integration.kind,
                vendor: integration.vendor,
                name: integration.name,
                parameters: integration.parameters,
                sealedSecrets: sealed,
                oauth: integration.oauth
            )
            let result = try await step("create integration '\(integration.name)'", command, scope: scope, salt: salt, key: key, identity: identity)
            created["integration.\(integration.name)"] = result.created["integration_id"]
        }
        for runner in plan.stepRunners ?? [] {
            let result = try await step(
                "create step runner '\(runner.name)'",
                CreateStepRunner(name: runner.name, platform: runner.platform),
                scope: scope,
                salt: salt,
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
                salt: salt,
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
                    salt: salt,
                    key: key
                )
            }
            if let tags = workflow.tags, !tags.isEmpty {
                _ = try await step(
                    "tag workflow '\(workflow.name)'",
                    TagWorkflow(workflowID: WorkflowID(rawValue: id), add: tags),
                    scope: scope,
                    salt: salt,
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
        salt: String,
        key: Credential?,
        identity: String? = nil
    ) async throws -> CommandResult {
        let id = Self.commandID(salt: salt, scope: scope, step: identity ?? title)
        progress.step(title)
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

    /// The state of an earlier run of this plan, or a new one with a new salt, written before
    /// anything is sent so that a run that stops anywhere resumes with the same command ids.
    private func loadState() throws -> State {
        if let data = FileManager.default.contents(atPath: statePath) {
            if let state = try? JSONDecoder().decode(State.self, from: data) { return state }
            guard let old = try? JSONDecoder().decode([String: String].self, from: data), old["workspaceID"] != nil else {
                throw CLIError("\(statePath) is not a provisioning state file; move it away to start this plan afresh")
            }
            return State(salt: "", workspaceID: old["workspaceID"], clientID: old["clientID"], clientSecret: old["clientSecret"])
        }
        let state = State(salt: Secret.generate())
        try save(state)
        return state
    }

    private func save(_ state: State) throws {
        let data = try JSONEncoder().encode(state)
        guard FileManager.default.createFile(atPath: statePath, contents: data, attributes: [.posixPermissions: 0o600]) else {
            let key = state.clientSecret.map {
                " The new workspace's key, shown only once, store it now: client id \(state.clientID ?? ""), client secret \($0)"
            }
            throw CLIError("could not write \(statePath).\(key ?? "")")
        }
    }

    /// Keeps the new workspace's key: from this run's result, or from the state of an earlier run.
    private func keep(_ result: CommandResult, in state: inout State) throws -> (workspaceID: String, clientID: String, clientSecret: String) {
        guard let workspaceID = result.created["workspace_id"], let clientID = result.created["client_id"] else {
            throw CLIError("the workspace step returned no ids")
        }
        if let secret = result.secrets?["client_secret"] {
            (state.workspaceID, state.clientID, state.clientSecret) = (workspaceID, clientID, secret)
            try save(state)
            return (workspaceID, clientID, secret)
        }
        guard state.workspaceID == workspaceID, let secret = state.clientSecret else {
            throw CLIError(
                "workspace \(workspaceID) was created by an earlier run, but its key (shown once) is not in \(statePath); issue a key for it and continue by hand"
            )
        }
        return (workspaceID, clientID, secret)
    }

    /// A step's command id: the same for every run with this salt, unpredictable without it.
    static func commandID(salt: String, scope: String, step: String) -> String {
        let input = salt.isEmpty ? "\(scope)\u{0}\(step)" : "\(salt)\u{0}\(scope)\u{0}\(step)"
        let digest = SHA256.hash(data: Data(input.utf8))
        return "prov-" + digest.prefix(20).map { String(format: "%02x", $0) }.joined()
    }
}
