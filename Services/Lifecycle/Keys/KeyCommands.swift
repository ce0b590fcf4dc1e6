import Models

/// The API key commands, each with the state its rule needs.
enum KeyCommands {
    static let table = LifecycleCommandTable()
        .authenticated(IssueAPIKey.self) { command, request in
            try KeyRules.issue(
                command,
                by: request.principal,
                maxLifetimeDays: KeyStore.maxKeyLifetimeDays(for: request.principal, db: request.db),
                context: request.context
            )
        }
        .authenticated(IssueOwnerKey.self) { command, request in
            try KeyRules.issueOwnerKey(
                command,
                by: request.principal,
                target: KeyStore.ownerKeyTarget(command, db: request.db),
                context: request.context
            )
        }
        .authenticated(RevokeAPIKey.self) { command, request in
            try KeyRules.revoke(command, by: request.principal, key: KeyStore.key(command.clientID, visibleTo: request.principal, db: request.db))
        }
}
