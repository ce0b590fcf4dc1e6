import Models

/// The integration commands. Creating and updating open the secret values the client sealed to
/// Lifecycle's secrets key, and hand them back, which the handler encrypts and stores after the
/// projection.
enum IntegrationCommands {
    static let table = LifecycleCommandTable()
        .authenticated(
            CreateIntegration.self,
            sealing: { command, request in
                let id: IntegrationID = request.context.newID("integration")
                let (db, principal) = (request.db, request.principal)
                let taken = try IntegrationStore.names(in: principal.workspaceID, kind: command.kind, db: db)
                return try IntegrationRules.create(
                    command,
                    secrets: request.secretBox.open(command.sealedSecrets, commandID: request.context.commandID),
                    by: principal,
                    id: id,
                    idInUse: IntegrationStore.exists(id, db: db),
                    takenNames: taken
                )
            }
        )
        .authenticated(
            UpdateIntegration.self,
            sealing: { command, request in
                let (principal, db) = (request.principal, request.db)
                let current = try IntegrationStore.integration(command.integrationID, db: db)
                let taken =
                    try current.map { try IntegrationStore.names(in: principal.workspaceID, kind: $0.kind, except: $0.integrationID, db: db) } ?? []
                let isCopy = try IntegrationStore.isSharedCopy(command.integrationID, in: principal.workspaceID, db: db)
                return try IntegrationRules.update(
                    command,
                    secrets: request.secretBox.open(command.sealedSecrets, commandID: request.context.commandID),
                    by: principal,
                    current: current,
                    isSharedCopy: isCopy,
                    takenNames: taken
                )
            }
        )
        .authenticated(DeleteIntegration.self) { command, request in
            let isCopy = try IntegrationStore.isSharedCopy(command.integrationID, in: request.principal.workspaceID, db: request.db)
            let current = try IntegrationStore.integration(command.integrationID, db: request.db)
            return try IntegrationRules.delete(command, by: request.principal, current: current, isSharedCopy: isCopy)
        }
}
