import Metrics
import Models

/// The sagas as they go, for dashboards and alerts: `tenancy_sagas_started_total{kind}`,
/// `tenancy_sagas_finished_total{kind,outcome}` (completed or failed) and
/// `tenancy_saga_steps_retried_total{kind,step}`. Every series exists from start, at zero, so that
/// an alert on its increase sees the first one. Counted when the event is decided, inside its
/// batch: a batch written twice (rolled back and run again) counts its events twice.
struct SagaMetrics: Sendable {
    private let started: [OperationKind: Counter]
    private let finished: [String: Counter]
    private let retried: [String: Counter]

    init() {
        let kinds = OperationKind.allCases
        started = Dictionary(
            uniqueKeysWithValues: kinds.map { ($0, Counter(label: "tenancy_sagas_started_total", dimensions: [("kind", $0.rawValue)])) }
        )
        finished = Dictionary(
            uniqueKeysWithValues: kinds.flatMap { kind in
                ["completed", "failed"].map { outcome in
                    (
                        "\(kind.rawValue)/\(outcome)",
                        Counter(label: "tenancy_sagas_finished_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)])
                    )
                }
            }
        )
        retried = Dictionary(
            uniqueKeysWithValues: kinds.flatMap { kind in
                SagaStep.allCases.map { step in
                    (
                        "\(kind.rawValue)/\(step.rawValue)",
                        Counter(label: "tenancy_saga_steps_retried_total", dimensions: [("kind", kind.rawValue), ("step", step.rawValue)])
                    )
                }
            }
        )
    }

    func count(_ event: any Message) {
        switch event {
        case let event as DeactivationStarted: started[event.operation.kind]?.increment()
        case let event as ReactivationStarted: started[event.operation.kind]?.increment()
        case let event as DeactivationCompleted: finished["\(event.operation.kind.rawValue)/completed"]?.increment()
        case let event as ReactivationCompleted: finished["\(event.operation.kind.rawValue)/completed"]?.increment()
        case let event as OperationFailed: finished["\(event.operation.kind.rawValue)/failed"]?.increment()
        case let event as SagaStepRetried: retried["\(event.operation.kind.rawValue)/\(event.step.rawValue)"]?.increment()
        default: break
        }
    }
}
