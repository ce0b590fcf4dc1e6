import Models

/// The SSO commands, each with the state its rule needs.
enum SSOCommands {
    static let table = LifecycleCommandTable()
        .authenticated(ConfigureSSO.self) { command, request in
            try SSORules.configure(command, by: request.principal)
        }
        .authenticated(CopySSOConfig.self) { command, request in
            try SSORules.copy(
                command,
                by: request.principal,
                source: SSOStore.copySource(command.sourceWorkspaceID, for: request.principal, db: request.db)
            )
        }
        .authenticated(CreateClaimMapping.self) { command, request in
            let existing = try request.principal.workspaceID.map { try SSOStore.claimMappings($0, db: request.db) } ?? []
            return try SSORules.createMapping(command, by: request.principal, existing: Set(existing), context: request.context)
        }
        .authenticated(DeleteClaimMapping.self) { command, request in
            let exists = try SSOStore.claimMappingExists(command.mappingID, in: request.principal.workspaceID, db: request.db)
            return try SSORules.deleteMapping(command, by: request.principal, exists: exists)
        }
}
