import Directory
import Foundation
import Models

/// Where an operation is: running, done (every step confirmed), or failed (a step never confirmed).
enum OperationStatus: String, Codable, Sendable {
    case inProgress = "in_progress"
    case completed, failed
}

/// A step of an operation as the saga rules see it.
struct StepState: Sendable, Hashable {
    var confirmed: Bool
    /// Requests sent so far, the first included.
    var attempts: Int
    var lastRequestedAt: Date
}

/// An operation as the saga rules see it.
struct OperationState: Sendable, Hashable {
    var reference: OperationReference
    var status: OperationStatus
    var steps: [SagaStep: StepState]

    var allConfirmed: Bool { steps.values.allSatisfy(\.confirmed) }
}

/// What the command rules need to know about the target workspace.
struct TargetState: Sendable, Hashable {
    var workspace: DirectoryWorkspace?
    var features: Set<Feature> = []
    /// An operation on the workspace that has neither completed nor failed.
    var running: OperationID?
}

/// What a workspace had before its last deactivation, listed in a reactivation's result.
struct StateBefore: Sendable, Hashable {
    var workflows: [WorkflowSwitches] = []
    var shares: [EndedShare] = []
}

/// How long a step may take to confirm, and how many times it is asked.
public struct SagaSettings: Sendable, Hashable {
    public var stepTimeout: TimeInterval
    public var maxAttempts: Int

    public init(stepTimeout: TimeInterval = 30, maxAttempts: Int = 3) {
        self.stepTimeout = stepTimeout
        self.maxAttempts = maxAttempts
    }
}
