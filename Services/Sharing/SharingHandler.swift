import Directory
import Foundation
import GRDB
import Models
import Pipeline

/// Sharing's part of the pipeline: authenticate against the directory replica, load the state a
/// rule needs, decide, apply; keep the replicas current, end shares whose integration is deleted, and
/// do Sharing's step of Deactivation's sagas.
struct SharingHandler: MessageHandler {
    let authenticator: Authenticator
    /// Most requests expired in one housekeeping pass; the rest wait for the next.
    let expiryBatch = 500

    let commands = MessageRegistry(MessageCatalogue.sharingCommands)

    let events = MessageRegistry(DirectoryProjection.eventTypes + SharingProjection.integrationEventTypes + [SagaStepRetried.self])

    func handle(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        let principal = try authenticator.authenticate(envelope.authorization, now: context.now) { try Directory.storedKey($0, db: db) }
        let outcome = try decide(command, by: principal, context: context, db: db)
        try project(outcome.events, at: context.now, db: db)
        return outcome
    }

    private func decide(_ command: any Message, by principal: Principal, context: DecisionContext, db: Database) throws -> CommandOutcome {
        let caller: Caller
        switch principal {
        case .operator:
            throw Rejection(.forbidden, "sharing is done by workspace Owners with their API keys, not with the operator credential")
        case .member(let member):
            caller = member
        }
        switch command {
        case let command as CreateShareRequest:
            let source = try SharingQueries.source(command.integrationID, for: caller, db: db)
            let destination = try SharingQueries.destinations([command.destinationWorkspaceID], of: command.integrationID, for: caller, db: db)
            return try ShareRequestRules.create(
                command, by: principal, source: source, destination: destination[command.destinationWorkspaceID] ?? ShareDestination(), context: context
            )
        case let command as BulkCreateShareRequests:
            let source = try SharingQueries.source(command.integrationID, for: caller, db: db)
            let destinations = try SharingQueries.destinations(command.destinationWorkspaceIDs, of: command.integrationID, for: caller, db: db)
            return try ShareRequestRules.bulkCreate(command, by: principal, source: source, destinations: destinations, context: context)
        case let command as AcceptShareRequest:
            return try ShareDecisionRules.accept(command, by: principal, share: SharingQueries.share(command.shareID, db: db), context: context)
        case let command as DenyShareRequest:
            return try ShareDecisionRules.deny(command, by: principal, share: SharingQueries.share(command.shareID, db: db), context: context)
        case let command as RevokeShare:
            let open = try SharingQueries.openShares(of: command.integrationID, in: caller.workspaceID, db: db)
            return try ShareEndingRules.revoke(command, by: principal, openShares: open)
        case let command as RemoveSharedIntegration:
            return try ShareEndingRules.remove(command, by: principal, share: SharingQueries.share(copy: command.integrationID, db: db))
        default:
            throw Rejection(.unknownType, "Sharing does not handle \(type(of: command).messageType)")
        }
    }

    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
        if try !DirectoryProjection.apply(event, db: db), !(event is SagaStepRetried) {
            try SharingProjection.apply(event, at: envelope.time ?? context.now, db: db)
        }
        let reactions: [DomainEvent]
        switch event {
        case let deleted as IntegrationDeleted:
            let open = try SharingQueries.openShares(of: deleted.integrationID, in: deleted.workspaceID, db: db)
            reactions = ShareEndingRules.end(open, by: nil, cause: .sourceIntegrationDeleted)
        case let started as DeactivationStarted where started.steps.contains(.sharing):
            reactions = try sagaStep(started.operation, db: db)
        case let started as ReactivationStarted where started.steps.contains(.sharing):
            reactions = try sagaStep(started.operation, db: db)
        case let retried as SagaStepRetried where retried.step == .sharing:
            reactions = try sagaStep(retried.operation, db: db)
        default:
            reactions = []
        }
        try project(reactions, at: context.now, db: db)
        return reactions
    }

    /// Sharing's part of a saga: a deactivation ends every open share from and to the workspace.
    /// Doing it again ends nothing more and confirms again.
    private func sagaStep(_ operation: OperationReference, db: Database) throws -> [DomainEvent] {
        let open = operation.kind == .deactivation ? try SharingQueries.openShares(involving: operation.workspaceID, db: db) : []
        return ShareEndingRules.sagaStep(operation, openShares: open)
    }

    func housekeep(context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let due = try SharingQueries.dueForExpiry(now: context.now, limit: expiryBatch, db: db)
        let expired = ShareEndingRules.expire(due, now: context.now)
        try project(expired, at: context.now, db: db)
        return expired
    }

    private func project(_ events: [DomainEvent], at time: Date, db: Database) throws {
        for event in events {
            try SharingProjection.apply(event.message, at: time, db: db)
        }
    }
}
