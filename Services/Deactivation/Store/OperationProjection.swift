import Directory
import Foundation
import GRDB
import Models

/// Writes Deactivation's state: operations from its own events, step confirmations from the
/// participants' events, and the directory replica. The only code that changes these tables.
enum OperationProjection {
    static func apply(_ event: any Message, at time: Date, db: Database) throws {
        switch event {
        case let event as DeactivationStarted:
            try DirectoryProjection.apply(event, db: db)
            try start(event.operation, requestedBy: event.requestedBy, steps: event.steps, at: time, db: db)
        case let event as ReactivationStarted:
            try DirectoryProjection.apply(event, db: db)
            try start(event.operation, requestedBy: nil, steps: event.steps, at: time, db: db)
        case let event as SagaStepRetried:
            try db.cachedStatement(sql: "UPDATE operation_step SET attempts = ?, last_requested_at = ? WHERE operation_id = ? AND step = ?")
                .execute(arguments: [event.attempt, time, event.operation.operationID, event.step.rawValue])
        case let event as DeactivationCompleted:
            try finish(event.operation, .completed, at: time, db: db)
        case let event as ReactivationCompleted:
            try finish(event.operation, .completed, at: time, db: db)
        case let event as OperationFailed:
            try db.cachedStatement(sql: "UPDATE operation SET status = ?, finished_at = ?, failed_step = ?, failure_reason = ? WHERE id = ?")
                .execute(arguments: [OperationStatus.failed, time, event.step.rawValue, event.reason, event.operation.operationID])
        default:
            throw UnhandledMessage(type: type(of: event).messageType)
        }
    }

    /// Records a participant's confirmation once; returns false when the step was already confirmed
    /// or belongs to no known operation.
    static func confirm(_ operation: OperationID, step: SagaStep, summary: any Message, at time: Date, db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE operation_step SET confirmed_at = ?, summary = ? WHERE operation_id = ? AND step = ? AND confirmed_at IS NULL
                """
        ).execute(arguments: [time, JSONCoding.encode(summary), operation, step.rawValue])
        return db.changesCount > 0
    }

    private static func start(_ operation: OperationReference, requestedBy: UserID?, steps: [SagaStep], at time: Date, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO operation (id, kind, workspace_id, organization_id, requested_by, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            operation.operationID, operation.kind.rawValue, operation.workspaceID, operation.organizationID, requestedBy, OperationStatus.inProgress,
            time,
        ])
        for step in steps {
            try db.cachedStatement(sql: "INSERT INTO operation_step (operation_id, step, attempts, last_requested_at) VALUES (?, ?, 1, ?)")
                .execute(arguments: [operation.operationID, step.rawValue, time])
        }
    }

    private static func finish(_ operation: OperationReference, _ status: OperationStatus, at time: Date, db: Database) throws {
        try db.cachedStatement(sql: "UPDATE operation SET status = ?, finished_at = ?, failed_step = NULL, failure_reason = NULL WHERE id = ?")
            .execute(arguments: [status, time, operation.operationID])
    }
}
