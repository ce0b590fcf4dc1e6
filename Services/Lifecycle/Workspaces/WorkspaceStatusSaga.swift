import GRDB
import Models

/// Lifecycle's step of Deactivation's sagas: the events that ask for it, each answered by
/// ``WorkspaceStatusRules`` from the workspace's state. Events for other services' steps are
/// followed too (they share the topic) and change nothing here.
enum WorkspaceStatusSaga {
    static let table = MessageTable<Database, [DomainEvent]>()
        .on(DeactivationStarted.self) { started, db in
            started.steps.contains(.lifecycle) ? try step(started.operation, db: db) : []
        }
        .on(ReactivationStarted.self) { started, db in
            started.steps.contains(.lifecycle) ? try step(started.operation, db: db) : []
        }
        .on(SagaStepRetried.self) { retried, db in
            retried.step == .lifecycle ? try step(retried.operation, db: db) : []
        }

    /// Lifecycle's step of a saga; nothing when the workspace is unknown here.
    static func step(_ operation: OperationReference, db: Database) throws -> [DomainEvent] {
        guard try WorkspaceStore.exists(operation.workspaceID, db: db) else { return [] }
        switch operation.kind {
        case .deactivation:
            return WorkspaceStatusRules.deactivate(operation, state: try WorkspaceStore.deactivationState(operation.workspaceID, db: db))
        case .reactivation:
            return WorkspaceStatusRules.reactivate(operation, state: try WorkspaceStore.reactivationState(operation.workspaceID, db: db))
        }
    }
}
