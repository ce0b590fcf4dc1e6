import Models

extension RegisterStepRunner: TokenCredential {
    var tokenHolder: String { runnerID.rawValue }
}
extension RunnerRules.RunnerState: TokenHashHolder {}

/// The step-runner commands. Registering carries the runner's one-time registration token as its
/// credential: the installed runner has no key.
enum RunnerCommands {
    static let table = LifecycleCommandTable()
        .authenticated(CreateStepRunner.self) { command, request in
            try RunnerRules.create(
                command,
                by: request.principal,
                takenNames: RunnerStore.names(in: request.principal.workspaceID, db: request.db),
                context: request.context
            )
        }
        .byToken(RegisterStepRunner.self) { command, db in
            try RunnerStore.runner(command.runnerID, db: db)
        } decide: { command, token, runner, _ in
            try RunnerRules.register(command, token: token, runner: runner)
        }
        .authenticated(DeleteStepRunner.self) { command, request in
            try RunnerRules.delete(command, by: request.principal, runner: RunnerStore.runner(command.runnerID, db: request.db))
        }
}
