import Foundation
import Models

/// Driving a saga: a confirmed step counts once, the operation completes when every step has
/// confirmed (even after it was reported failed), and a step that stays silent is asked again and
/// finally reported failed - never taken as done.
enum SagaRules {
    /// What follows a step's confirmation, given the operation with that step already confirmed.
    static func afterConfirmation(_ operation: OperationState) -> [DomainEvent] {
        guard operation.allConfirmed, operation.status != .completed else { return [] }
        let subject = operation.reference.workspaceID.rawValue
        switch operation.reference.kind {
        case .deactivation: return [DomainEvent(DeactivationCompleted(operation: operation.reference), subject: subject)]
        case .reactivation: return [DomainEvent(ReactivationCompleted(operation: operation.reference), subject: subject)]
        }
    }

    /// Retries or failures for running operations whose steps are overdue.
    static func overdue(_ operations: [OperationState], now: Date, settings: SagaSettings) -> [DomainEvent] {
        operations.filter { $0.status == .inProgress }.flatMap { operation -> [DomainEvent] in
            let subject = operation.reference.workspaceID.rawValue
            let late = operation.steps.filter { !$0.value.confirmed && $0.value.lastRequestedAt.addingTimeInterval(settings.stepTimeout) <= now }
                .sorted { $0.key < $1.key }
            if let exhausted = late.first(where: { $0.value.attempts >= settings.maxAttempts }) {
                let reason =
                    "\(exhausted.key.rawValue) did not confirm within \(Int(settings.stepTimeout)) s after \(exhausted.value.attempts) attempts; it completes if the service confirms later"
                return [DomainEvent(OperationFailed(operation: operation.reference, step: exhausted.key, reason: reason), subject: subject)]
            }
            return late.map {
                DomainEvent(SagaStepRetried(operation: operation.reference, step: $0.key, attempt: $0.value.attempts + 1), subject: subject)
            }
        }
    }
}
