import GRDB
import Models
import Pipeline

/// Lifecycle's part of the pipeline: authenticate, load the state a rule needs, decide, apply.
struct LifecycleHandler: MessageHandler {
    let authenticator: Authenticator

    let commands = MessageRegistry([
        CreateOrganization.self, SetOrganizationFeatures.self, CreateWorkspace.self,
        IssueAPIKey.self, RevokeAPIKey.self,
    ])

    func handle(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        let principal = try authenticator.authenticate(envelope.authorization, db: db, now: context.now)
        let outcome = try decide(command, by: principal, context: context, db: db)
        for event in outcome.events {
            try LifecycleProjection.apply(event.message, at: context.now, db: db)
        }
        return outcome
    }

    /// Routes a command to its rule with the state that rule needs.
    private func decide(_ command: any Message, by principal: Principal, context: DecisionContext, db: Database) throws -> CommandOutcome {
        switch command {
        case let command as CreateOrganization:
            let state = try LifecycleQueries.organizationCreation(name: command.name, ownerEmail: command.ownerEmail, db: db)
            return try OrganizationRules.create(command, by: principal, state: state, context: context)
        case let command as SetOrganizationFeatures:
            let state = command.organizationID.isWellFormed ? try LifecycleQueries.organization(command.organizationID, db: db) : nil
            return try OrganizationRules.setFeatures(command, by: principal, state: state)
        case let command as CreateWorkspace:
            guard case .member(let caller) = principal else {
                throw Rejection(.forbidden, "creating a workspace needs a workspace member's API key, not the operator credential")
            }
            return try WorkspaceRules.create(command, by: principal, state: LifecycleQueries.workspaceCreation(for: caller, db: db), context: context)
        case let command as IssueAPIKey:
            return try KeyRules.issue(command, by: principal, context: context)
        case let command as RevokeAPIKey:
            return try KeyRules.revoke(command, by: principal, key: LifecycleQueries.key(command.clientID, visibleTo: principal, db: db))
        default:
            throw Rejection(.unknownType, "Lifecycle does not handle \(type(of: command).messageType)")
        }
    }
}
