import GRDB
import Models
import Pipeline

/// Lifecycle's part of the pipeline: authenticate, load the state a rule needs, decide, apply.
struct LifecycleHandler: MessageHandler {
    let authenticator: Authenticator
    let secretBox: SecretBox

    let commands = MessageRegistry(MessageCatalogue.lifecycleCommands)

    /// Sharing's events that add and remove read-only copies of shared integrations, and the
    /// Deactivation events that ask for Lifecycle's step of a saga.
    let events = MessageRegistry([
        ShareAccepted.self, ShareRevoked.self, ShareRemoved.self,
        DeactivationStarted.self, ReactivationStarted.self, SagaStepRetried.self,
    ])

    func handle(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        var secrets: IntegrationRules.SecretChanges?
        let outcome: CommandOutcome
        // Accepting an invitation and registering a runner carry their own token as the credential.
        if let command = command as? AcceptInvitation {
            outcome = try InvitationRules.accept(command, invitation: InvitationQueries.invitation(command.invitationID, db: db), context: context)
        } else if let command = command as? RegisterStepRunner {
            outcome = try RunnerRules.register(command, runner: RunnerQueries.runner(command.runnerID, db: db))
        } else {
            let principal = try authenticator.authenticate(envelope.authorization, now: context.now) { try KeyQueries.storedKey($0, db: db) }
            if let decision = try decideIntegration(command, by: principal, context: context, db: db) {
                (outcome, secrets) = (decision.outcome, decision.secrets)
            } else {
                outcome = try decide(command, by: principal, context: context, db: db)
            }
        }
        for event in outcome.events {
            try LifecycleProjection.apply(event.message, at: context.now, db: db)
        }
        if let secrets {
            try SecretStore.apply(secrets, box: secretBox, db: db)
        }
        return outcome
    }

    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let reactions: [DomainEvent]
        switch event {
        case let started as DeactivationStarted where started.steps.contains(.lifecycle):
            reactions = try sagaStep(started.operation, db: db)
        case let started as ReactivationStarted where started.steps.contains(.lifecycle):
            reactions = try sagaStep(started.operation, db: db)
        case let retried as SagaStepRetried where retried.step == .lifecycle:
            reactions = try sagaStep(retried.operation, db: db)
        case is DeactivationStarted, is ReactivationStarted, is SagaStepRetried:
            reactions = []
        default:
            try LifecycleProjection.apply(event, at: envelope.time ?? context.now, db: db)
            reactions = []
        }
        for reaction in reactions {
            try LifecycleProjection.apply(reaction.message, at: context.now, db: db)
        }
        return reactions
    }

    /// Lifecycle's step of a saga; nothing when the workspace is unknown here.
    private func sagaStep(_ operation: OperationReference, db: Database) throws -> [DomainEvent] {
        guard try WorkspaceRecord.exists(db, key: operation.workspaceID.rawValue) else { return [] }
        switch operation.kind {
        case .deactivation:
            return WorkspaceStatusRules.deactivate(operation, state: try WorkspaceQueries.deactivationState(operation.workspaceID, db: db))
        case .reactivation:
            return WorkspaceStatusRules.reactivate(operation, state: try WorkspaceQueries.reactivationState(operation.workspaceID, db: db))
        }
    }

    /// Integration commands, whose rules also hand back secret values to seal; nil for other commands.
    private func decideIntegration(_ command: any Message, by principal: Principal, context: DecisionContext, db: Database) throws -> IntegrationRules.Decision? {
        switch command {
        case let command as CreateIntegration:
            let taken = try IntegrationQueries.names(in: principal.workspaceID, kind: command.kind, db: db)
            return try IntegrationRules.create(command, by: principal, takenNames: taken, context: context)
        case let command as UpdateIntegration:
            let current = try IntegrationQueries.integration(command.integrationID, db: db)
            let taken = try current.map { try IntegrationQueries.names(in: principal.workspaceID, kind: $0.kind, except: $0.integrationID, db: db) } ?? []
            let isCopy = try IntegrationQueries.isSharedCopy(command.integrationID, in: principal.workspaceID, db: db)
            return try IntegrationRules.update(command, by: principal, current: current, isSharedCopy: isCopy, takenNames: taken)
        default:
            return nil
        }
    }

    /// Routes a command to its rule with the state that rule needs.
    private func decide(_ command: any Message, by principal: Principal, context: DecisionContext, db: Database) throws -> CommandOutcome {
        switch command {
        case let command as CreateOrganization:
            let state = try OrganizationQueries.creation(name: command.name, ownerEmail: command.ownerEmail, db: db)
            return try OrganizationRules.create(command, by: principal, state: state, context: context)
        case let command as SetOrganizationFeatures:
            let state = command.organizationID.isWellFormed ? try OrganizationQueries.organization(command.organizationID, db: db) : nil
            return try OrganizationRules.setFeatures(command, by: principal, state: state)
        case let command as CreateWorkspace:
            guard case .member(let caller) = principal else {
                throw Rejection(.forbidden, "creating a workspace needs a workspace member's API key, not the operator credential")
            }
            return try WorkspaceRules.create(command, by: principal, state: WorkspaceQueries.creation(for: caller, db: db), context: context)
        case let command as IssueAPIKey:
            return try KeyRules.issue(command, by: principal, context: context)
        case let command as IssueOwnerKey:
            return try KeyRules.issueOwnerKey(command, by: principal, target: KeyQueries.ownerKeyTarget(command, db: db), context: context)
        case let command as RevokeAPIKey:
            return try KeyRules.revoke(command, by: principal, key: KeyQueries.key(command.clientID, visibleTo: principal, db: db))
        case let command as InviteUser:
            let invitees = try InvitationQueries.invitees([command.email], in: principal.workspaceID, db: db)
            return try InvitationRules.invite(command, by: principal, invitee: invitees.values.first ?? .init(), context: context)
        case let command as BulkInviteUsers:
            let invitees = try InvitationQueries.invitees(command.invitations.map(\.email), in: principal.workspaceID, db: db)
            return try InvitationRules.bulkInvite(command, by: principal, invitees: invitees, context: context)
        case let command as RevokeInvitation:
            return try InvitationRules.revoke(command, by: principal, invitation: InvitationQueries.invitation(command.invitationID, db: db), context: context)
        case let command as ChangeMemberRole:
            return try MemberRules.changeRole(command, by: principal, member: MemberQueries.member(command.userID, visibleTo: principal, db: db))
        case let command as RemoveMember:
            return try MemberRules.remove(command, by: principal, member: MemberQueries.member(command.userID, visibleTo: principal, db: db))
        case let command as ConfigureSSO:
            return try SSORules.configure(command, by: principal)
        case let command as CopySSOConfig:
            return try SSORules.copy(command, by: principal, source: SSOQueries.copySource(command.sourceWorkspaceID, for: principal, db: db))
        case let command as CreateClaimMapping:
            let existing = try principal.workspaceID.map { try SSOQueries.claimMappings($0, db: db) } ?? []
            return try SSORules.createMapping(command, by: principal, existing: Set(existing), context: context)
        case let command as DeleteClaimMapping:
            let exists = try SSOQueries.claimMappingExists(command.mappingID, in: principal.workspaceID, db: db)
            return try SSORules.deleteMapping(command, by: principal, exists: exists)
        case let command as CreateStepRunner:
            return try RunnerRules.create(command, by: principal, takenNames: RunnerQueries.names(in: principal.workspaceID, db: db), context: context)
        case let command as DeleteStepRunner:
            return try RunnerRules.delete(command, by: principal, runner: RunnerQueries.runner(command.runnerID, db: db))
        case let command as DeleteIntegration:
            let isCopy = try IntegrationQueries.isSharedCopy(command.integrationID, in: principal.workspaceID, db: db)
            return try IntegrationRules.delete(command, by: principal, current: IntegrationQueries.integration(command.integrationID, db: db), isSharedCopy: isCopy)
        case let command as ImportWorkflow:
            return try WorkflowRules.importWorkflow(command, by: principal, takenNames: WorkflowQueries.names(in: principal.workspaceID, db: db), context: context)
        case let command as UpdateWorkflow:
            return try WorkflowRules.update(command, by: principal, workflow: WorkflowQueries.workflow(command.workflowID, db: db), context: context)
        case let command as PublishWorkflow:
            return try WorkflowRules.publish(command, by: principal, workflow: WorkflowQueries.workflow(command.workflowID, db: db))
        case let command as SetWorkflowEnabled:
            return try WorkflowRules.setEnabled(command, by: principal, workflow: WorkflowQueries.workflow(command.workflowID, db: db))
        case let command as TagWorkflow:
            return try WorkflowRules.tag(command, by: principal, workflow: WorkflowQueries.workflow(command.workflowID, db: db))
        case let command as StartExecution:
            return try WorkflowRules.start(command, by: principal, workflow: WorkflowQueries.workflow(command.workflowID, db: db), context: context)
        case let command as FinishExecution:
            return try WorkflowRules.finish(command, by: principal, execution: WorkflowQueries.execution(command.executionID, db: db))
        default:
            throw Rejection(.unknownType, "Lifecycle does not handle \(type(of: command).messageType)")
        }
    }
}

extension Principal {
    /// The workspace a member's key belongs to; nil for the operator.
    var workspaceID: WorkspaceID? {
        if case .member(let caller) = self { caller.workspaceID } else { nil }
    }
}
