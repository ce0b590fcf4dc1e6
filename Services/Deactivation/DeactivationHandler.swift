import Directory
import Foundation
import GRDB
import Models
import Pipeline

/// Deactivation's part of the pipeline: start the sagas on command, record each participant's
/// confirmation, complete the operation when all have confirmed, and retry or fail overdue steps.
struct DeactivationHandler: MessageHandler {
    let authenticator: Authenticator
    let settings: SagaSettings
    let sagaMetrics = SagaMetrics()

    let commands = DeactivationCommands.table.registry

    let events = MessageRegistry([WorkspaceDeactivated.self, WorkspaceReactivated.self, SharingStepCompleted.self])

    let replica = MessageRegistry(DirectoryProjection.eventTypes)

    func replicate(_ event: any Message, envelope: Envelope, db: Database) throws {
        try DirectoryProjection.apply(event, db: db)
    }

    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
        Sender(try authenticator.authenticate(envelope, now: now) { try Directory.storedKey($0, db: db) })
    }

    /// A workspace's operations live in the task of its partition, where its confirmations
    /// (`WorkspaceDeactivated`, `SharingStepCompleted`, keyed by the workspace) arrive.
    func ownerKey(of command: any Message, from sender: Sender, db: Database) throws -> String? {
        switch command {
        case let command as DeactivateWorkspace: command.workspaceID.rawValue
        case let command as ReactivateWorkspace: command.workspaceID.rawValue
        default: nil
        }
    }

    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        guard let principal = sender.principal else {
            throw Rejection(.unauthenticated, "deactivation commands need an API key or the operator credential")
        }
        let outcome = try DeactivationCommands.table.handle(command, DeactivationRequest(principal: principal, context: context, db: db))
        try project(outcome.events, at: context.now, db: db)
        return outcome
    }

    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let confirmation: (OperationID, SagaStep)? =
            switch event {
            case let event as WorkspaceDeactivated: (event.operationID, .lifecycle)
            case let event as WorkspaceReactivated: (event.operationID, .lifecycle)
            case let event as SharingStepCompleted: (event.operation.operationID, .sharing)
            default: nil
            }
        guard let (operationID, step) = confirmation else { return [] }
        guard try OperationProjection.confirm(operationID, step: step, summary: event, at: envelope.time ?? context.now, db: db),
            let operation = try DeactivationQueries.operation(operationID, db: db)
        else { return [] }
        let reactions = SagaRules.afterConfirmation(operation)
        try project(reactions, at: context.now, db: db)
        return reactions
    }

    func housekeep(context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let events = SagaRules.overdue(try DeactivationQueries.running(db: db), now: context.now, settings: settings)
        try project(events, at: context.now, db: db)
        return events
    }

    private func project(_ events: [DomainEvent], at time: Date, db: Database) throws {
        for event in events {
            try OperationProjection.apply(event.message, at: time, db: db)
            sagaMetrics.count(event.message)
        }
    }
}
