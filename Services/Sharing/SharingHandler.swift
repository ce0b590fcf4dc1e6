import Directory
import Foundation
import GRDB
import Models
import Pipeline

/// Sharing's part of the pipeline: authenticate against the directory replica, load the state a
/// rule needs, decide, apply; keep the replicas (directory and integrations), end shares whose
/// integration is deleted, and do Sharing's step of Deactivation's sagas.
struct SharingHandler: MessageHandler {
    let authenticator: Authenticator
    /// Most requests expired in one housekeeping pass; the rest wait for the next.
    let expiryBatch = 500

    let commands = SharingCommands.table.registry

    let events = MessageRegistry([IntegrationDeleted.self, DeactivationStarted.self, ReactivationStarted.self, SagaStepRetried.self])

    let replica = MessageRegistry(DirectoryProjection.eventTypes + SharingProjection.integrationEventTypes)

    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
        Sender(try authenticator.authenticate(envelope, now: now) { try Directory.storedKey($0, db: db) })
    }

    /// A workspace's outgoing shares live in the task of its partition (with its integrations' and
    /// its key's events): share requests and revocations, sent by the source's own keys, go there.
    /// Accepting, denying and removing, sent by the destination's keys, are decided where they land.
    func ownerKey(of command: any Message, from sender: Sender, db: Database) throws -> String? {
        guard case .member(let caller)? = sender.principal,
            command is CreateShareRequest || command is BulkCreateShareRequests || command is RevokeShare
        else { return nil }
        return caller.workspaceID.rawValue
    }

    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        guard let principal = sender.principal else { throw Rejection(.unauthenticated, "sharing commands need an API key") }
        let outcome = try decide(command, by: principal, context: context, db: db)
        try project(outcome.events, at: context.now, db: db)
        return outcome
    }

    private func decide(_ command: any Message, by principal: Principal, context: DecisionContext, db: Database) throws -> CommandOutcome {
        guard case .member(let caller) = principal else {
            throw Rejection(.forbidden, "sharing is done by workspace Owners with their API keys, not with the operator credential")
        }
        return try SharingCommands.table.handle(command, SharingRequest(principal: principal, caller: caller, context: context, db: db))
    }

    /// The directory, and the integrations replica that share requests are checked against.
    func replicate(_ event: any Message, envelope: Envelope, db: Database) throws {
        if try !DirectoryProjection.apply(event, db: db) {
            try SharingProjection.apply(event, at: envelope.time ?? Date(), db: db)
        }
    }

    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
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
        try SharingProjection.apply(events.map(\.message), at: time, db: db)
    }
}
