import GRDB
import Models
import Pipeline

/// Lifecycle's part of the pipeline: authenticate, load the state a rule needs, decide, apply.
struct LifecycleHandler: MessageHandler {
    let authenticator: Authenticator

    let commands = MessageRegistry([CreateOrganization.self, SetOrganizationFeatures.self, CreateWorkspace.self])

    func handle(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        let principal = try authenticator.authenticate(envelope.authorization, db: db, now: context.now)
        let outcome: CommandOutcome
        switch command {
        case let command as CreateOrganization:
            let state = try LifecycleQueries.organizationCreation(name: command.name, ownerEmail: command.ownerEmail, db: db)
            outcome = try OrganizationRules.create(command, by: principal, state: state, context: context)
        case let command as SetOrganizationFeatures:
            let state = command.organizationID.isWellFormed ? try LifecycleQueries.organization(command.organizationID, db: db) : nil
            outcome = try OrganizationRules.setFeatures(command, by: principal, state: state)
        case let command as CreateWorkspace:
            guard case .member(let caller) = principal else {
                throw Rejection(.forbidden, "creating a workspace needs a workspace member's API key, not the operator credential")
            }
            outcome = try WorkspaceRules.create(command, by: principal, state: LifecycleQueries.workspaceCreation(for: caller, db: db), context: context)
        default:
            throw Rejection(.unknownType, "Lifecycle does not handle \(envelope.type)")
        }
        for event in outcome.events {
            try LifecycleProjection.apply(event.message, at: context.now, db: db)
        }
        return outcome
    }
}
