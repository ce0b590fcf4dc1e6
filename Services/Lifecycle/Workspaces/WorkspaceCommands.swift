import Models

/// Creating a workspace, with the state its rule needs.
enum WorkspaceCommands {
    static let table = LifecycleCommandTable()
        .authenticated(CreateWorkspace.self) { command, request in
            guard case .member(let caller) = request.principal else {
                throw Rejection(.forbidden, "creating a workspace needs a workspace member's API key, not the operator credential")
            }
            return try WorkspaceRules.create(
                command,
                by: request.principal,
                state: WorkspaceStore.creation(for: caller, db: request.db),
                context: request.context
            )
        }
}
