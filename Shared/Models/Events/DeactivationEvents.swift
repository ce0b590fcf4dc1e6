/// Which of the two sagas an operation is.
public enum OperationKind: String, Codable, Sendable, CaseIterable {
    case deactivation, reactivation
}

/// A service that takes part in the sagas and confirms its part with an event.
public enum SagaStep: String, Codable, Sendable, CaseIterable, Comparable {
    case lifecycle, sharing

    public static func < (lhs: SagaStep, rhs: SagaStep) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What every saga event says about its operation.
public struct OperationReference: Codable, Sendable, Hashable {
    public var operationID: OperationID
    public var kind: OperationKind
    public var workspaceID: WorkspaceID
    public var organizationID: OrganizationID

    public init(operationID: OperationID, kind: OperationKind, workspaceID: WorkspaceID, organizationID: OrganizationID) {
        self.operationID = operationID
        self.kind = kind
        self.workspaceID = workspaceID
        self.organizationID = organizationID
    }

    enum CodingKeys: String, CodingKey {
        case operationID = "operation_id"
        case kind
        case workspaceID = "workspace_id"
        case organizationID = "organization_id"
    }
}

/// From this event on the workspace accepts no commands anywhere; each step's service does its part
/// (Lifecycle: workflows, executions, OAuth, keys; Sharing: shares) and confirms.
public struct DeactivationStarted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.DeactivationStarted.v1"

    public var operation: OperationReference
    public var requestedBy: UserID
    public var steps: [SagaStep]

    public init(operation: OperationReference, requestedBy: UserID, steps: [SagaStep]) {
        self.operation = operation
        self.requestedBy = requestedBy
        self.steps = steps
    }

    enum CodingKeys: String, CodingKey {
        case operation
        case requestedBy = "requested_by"
        case steps
    }
}

/// From this event on the workspace accepts commands again; each step's service does its part and confirms.
public struct ReactivationStarted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.ReactivationStarted.v1"

    public var operation: OperationReference
    public var steps: [SagaStep]

    public init(operation: OperationReference, steps: [SagaStep]) {
        self.operation = operation
        self.steps = steps
    }
}

/// A step did not confirm in time: its service is asked again. Doing a step twice changes nothing.
public struct SagaStepRetried: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.SagaStepRetried.v1"

    public var operation: OperationReference
    public var step: SagaStep
    public var attempt: Int

    public init(operation: OperationReference, step: SagaStep, attempt: Int) {
        self.operation = operation
        self.step = step
        self.attempt = attempt
    }
}

/// Every step confirmed.
public struct DeactivationCompleted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.DeactivationCompleted.v1"
    public var operation: OperationReference
    public init(operation: OperationReference) { self.operation = operation }
}

/// Every step confirmed.
public struct ReactivationCompleted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.ReactivationCompleted.v1"
    public var operation: OperationReference
    public init(operation: OperationReference) { self.operation = operation }
}

/// A step did not confirm after every attempt. A confirmation that still arrives completes the operation.
public struct OperationFailed: Message, Hashable {
    public static let messageType: MessageType = "tenancy.deactivation.OperationFailed.v1"

    public var operation: OperationReference
    public var step: SagaStep
    public var reason: String

    public init(operation: OperationReference, step: SagaStep, reason: String) {
        self.operation = operation
        self.step = step
        self.reason = reason
    }
}
