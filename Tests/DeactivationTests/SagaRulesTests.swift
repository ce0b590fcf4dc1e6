import Foundation
import Models
import Pipeline
import Testing

@testable import Deactivation

@Suite("Saga rules")
struct SagaRulesTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let settings = SagaSettings(stepTimeout: 30, maxAttempts: 3)

    func operation(
        _ kind: OperationKind = .deactivation,
        status: OperationStatus = .inProgress,
        lifecycle: StepState? = nil,
        sharing: StepState? = nil
    ) -> OperationState {
        let pending = StepState(confirmed: false, attempts: 1, lastRequestedAt: start)
        return OperationState(
            reference: OperationReference(
                operationID: OperationID(rawValue: "op_1"),
                kind: kind,
                workspaceID: workspace,
                organizationID: organization
            ),
            status: status,
            steps: [.lifecycle: lifecycle ?? pending, .sharing: sharing ?? pending]
        )
    }

    let confirmed = StepState(confirmed: true, attempts: 1, lastRequestedAt: Date(timeIntervalSince1970: 1_800_000_000))

    @Test func theOperationCompletesOnceEveryStepConfirmed() {
        #expect(SagaRules.afterConfirmation(operation(lifecycle: confirmed)).isEmpty)
        #expect(SagaRules.afterConfirmation(operation(lifecycle: confirmed, sharing: confirmed)).first?.message is DeactivationCompleted)
        #expect(
            SagaRules.afterConfirmation(operation(.reactivation, lifecycle: confirmed, sharing: confirmed)).first?.message is ReactivationCompleted
        )
        #expect(SagaRules.afterConfirmation(operation(status: .completed, lifecycle: confirmed, sharing: confirmed)).isEmpty, "never twice")
        #expect(
            SagaRules.afterConfirmation(operation(status: .failed, lifecycle: confirmed, sharing: confirmed)).first?.message is DeactivationCompleted,
            "a late confirmation completes a failed operation"
        )
    }

    @Test func aSilentStepIsAskedAgainThenReportedFailed() throws {
        #expect(SagaRules.overdue([operation()], now: start.addingTimeInterval(29), settings: settings).isEmpty)
        let retries = SagaRules.overdue([operation(lifecycle: confirmed)], now: start.addingTimeInterval(30), settings: settings)
        let retry = try #require(retries.first?.message as? SagaStepRetried)
        #expect(retries.count == 1 && retry.step == .sharing && retry.attempt == 2)
        let exhausted = StepState(confirmed: false, attempts: 3, lastRequestedAt: start)
        let failures = SagaRules.overdue([operation(lifecycle: confirmed, sharing: exhausted)], now: start.addingTimeInterval(30), settings: settings)
        let failed = try #require(failures.first?.message as? OperationFailed)
        #expect(failures.count == 1 && failed.step == .sharing && failed.reason.contains("3 attempts"))
        #expect(SagaRules.overdue([operation(status: .failed, sharing: exhausted)], now: start.addingTimeInterval(999), settings: settings).isEmpty)
        #expect(SagaRules.overdue([operation(status: .completed)], now: start.addingTimeInterval(999), settings: settings).isEmpty)
    }
}
