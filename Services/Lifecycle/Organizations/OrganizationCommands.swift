import Models

/// The organization commands, sent by the operator, each with the state its rule needs.
enum OrganizationCommands {
    static let table = LifecycleCommandTable()
        .authenticated(CreateOrganization.self) { command, request in
            let state = try OrganizationStore.creation(name: command.name, db: request.db)
            return try OrganizationRules.create(command, by: request.principal, state: state, context: request.context)
        }
        .authenticated(SetOrganizationFeatures.self) { command, request in
            let state = command.organizationID.isWellFormed ? try OrganizationStore.organization(command.organizationID, db: request.db) : nil
            return try OrganizationRules.setFeatures(command, by: request.principal, state: state)
        }
        .authenticated(SetOrganizationKeyLifetime.self) { command, request in
            let state = command.organizationID.isWellFormed ? try OrganizationStore.organization(command.organizationID, db: request.db) : nil
            return try OrganizationRules.setKeyLifetime(command, by: request.principal, state: state)
        }
}
