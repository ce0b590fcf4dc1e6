import Hashing
import Models

/// Step runners: members with `runners.write` create them (names unique per workspace) and delete
/// them; the installed runner registers once with the token from its install command.
enum RunnerRules {
    /// A runner as the register and delete rules see it.
    struct RunnerState: Sendable {
        var workspaceID: WorkspaceID
        var registered: Bool
        var tokenHash: String
        var workspaceActive: Bool
    }

    static func create(
        _ command: CreateStepRunner,
        by principal: Principal,
        takenNames: Set<String>,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .operator, scope: .runnersWrite, to: "creating step runners")
        let name = command.name.trimmingCharacters(in: .whitespaces)
        guard (1...63).contains(name.count), name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }),
            name.first != "-", name.last != "-"
        else {
            throw .invalid("name", "use 1 to 63 lower-case letters, digits and inner dashes (it names containers and services)")
        }
        guard !takenNames.contains(name) else {
            throw Rejection(.nameTaken, "a step runner named '\(name)' already exists in this workspace", field: "name")
        }
        let id: RunnerID = context.newID("runner")
        let token = context.newSecret()
        let event = StepRunnerCreated(
            workspaceID: caller.workspaceID,
            runnerID: id,
            name: name,
            platform: command.platform,
            tokenHash: Secret.hash(token),
            createdBy: caller.userID
        )
        return CommandOutcome(
            events: [DomainEvent(event, subject: caller.workspaceID.rawValue)],
            created: ["runner_id": id.rawValue],
            secrets: ["registration_token": token, "install_command": installCommand(platform: command.platform, name: name, id: id, token: token)]
        )
    }

    /// `token` is the one the command carries, opened.
    static func register(_ command: RegisterStepRunner, token: String, runner: RunnerState?) throws(Rejection) -> CommandOutcome {
        guard let runner else {
            throw Rejection(.notFound, "step runner '\(command.runnerID)' does not exist", field: "runner_id")
        }
        guard Secret.matches(token, hash: runner.tokenHash) else {
            throw Rejection(.unauthenticated, "the registration token is wrong", field: "sealed_token")
        }
        guard !runner.registered else {
            throw Rejection(.notPending, "this runner is already registered; its token works once. Create a new runner to install another")
        }
        guard runner.workspaceActive else {
            throw Rejection(.workspaceInactive, "workspace '\(runner.workspaceID)' is deactivated")
        }
        let event = StepRunnerRegistered(workspaceID: runner.workspaceID, runnerID: command.runnerID)
        return CommandOutcome(events: [DomainEvent(event, subject: runner.workspaceID.rawValue)])
    }

    static func delete(_ command: DeleteStepRunner, by principal: Principal, runner: RunnerState?) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .operator, scope: .runnersWrite, to: "deleting step runners")
        guard let runner, runner.workspaceID == caller.workspaceID else {
            throw Rejection(.notFound, "no step runner '\(command.runnerID)' in this workspace", field: "runner_id")
        }
        let event = StepRunnerDeleted(workspaceID: caller.workspaceID, runnerID: command.runnerID, deletedBy: caller.userID)
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
    }

    /// What an operator runs on the target machine; the runner registers itself with the token.
    static func installCommand(platform: RunnerPlatform, name: String, id: RunnerID, token: String) -> String {
        let image = "tenancy/step-runner:1"
        switch platform {
        case .docker:
            return
                "docker run -d --restart unless-stopped --name tenancy-runner-\(name) -e TENANCY_RUNNER_ID=\(id) -e TENANCY_RUNNER_TOKEN=\(token) \(image)"
        case .kubernetes:
            return
                "kubectl create secret generic tenancy-runner-\(name) --from-literal=TENANCY_RUNNER_ID=\(id) --from-literal=TENANCY_RUNNER_TOKEN=\(token)"
                + " && kubectl create deployment tenancy-runner-\(name) --image=\(image)"
                + " && kubectl set env deployment/tenancy-runner-\(name) --from=secret/tenancy-runner-\(name)"
        case .linux:
            return
                "sudo TENANCY_RUNNER_ID=\(id) TENANCY_RUNNER_TOKEN=\(token) tenancy-step-runner install --name \(name) && sudo systemctl enable --now tenancy-step-runner"
        }
    }
}
