import Foundation
import GRDB
import Models
import ServiceKit

/// A workspace's status as the replica knows it, with a page of its operations, newest first: a
/// list read's answer (`operations`, `next_cursor`) with the workspace's own fields beside.
struct WorkspaceOperationsView: Encodable {
    var workspaceID: String
    /// `active` or `inactive`, as Deactivation's replica knows it.
    var status: String
    var operations: Page<OperationView>

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case status, operations
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(workspaceID, forKey: .workspaceID)
        try container.encode(status, forKey: .status)
        try container.encode(operations.items, forKey: .operations)
        try container.encode(operations.nextCursor, forKey: .nextCursor)
    }
}

/// An operation: its status in words (`deactivating`, `deactivated`, `reactivating`, `reactivated`,
/// `failed`), each step's progress and what each step reported doing.
struct OperationView: Encodable {
    struct Step: Encodable {
        var step: String
        var status: String
        var attempts: Int
        var lastRequestedAt: Date
        var confirmedAt: Date?
        var report: StepReport?

        enum CodingKeys: String, CodingKey {
            case step, status, attempts
            case lastRequestedAt = "last_requested_at"
            case confirmedAt = "confirmed_at"
            case report
        }
    }

    struct Failure: Encodable {
        var step: String
        var reason: String
    }

    var operationID: String
    var kind: String
    var workspaceID: String
    var organizationID: String
    var status: String
    var requestedBy: String?
    var startedAt: Date
    var finishedAt: Date?
    var failure: Failure?
    var steps: [Step]

    enum CodingKeys: String, CodingKey {
        case operationID = "operation_id"
        case kind
        case workspaceID = "workspace_id"
        case organizationID = "organization_id"
        case status
        case requestedBy = "requested_by"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case failure, steps
    }

    /// A row of `operation` with the rows of its `operation_step`.
    init(row: Row, steps: [Row]) {
        operationID = row["id"]
        kind = row["kind"]
        workspaceID = row["workspace_id"]
        organizationID = row["organization_id"]
        requestedBy = row["requested_by"]
        startedAt = row["started_at"]
        finishedAt = row["finished_at"]
        let operationKind = OperationKind(rawValue: kind)
        let state = OperationStatus(rawValue: row["status"]) ?? .inProgress
        status =
            switch (state, operationKind) {
            case (.inProgress, .reactivation): "reactivating"
            case (.inProgress, _): "deactivating"
            case (.completed, .reactivation): "reactivated"
            case (.completed, _): "deactivated"
            case (.failed, _): "failed"
            }
        if let step: String = row["failed_step"] { failure = Failure(step: step, reason: row["failure_reason"] ?? "") }
        self.steps = steps.map { step in
            let confirmedAt: Date? = step["confirmed_at"]
            return Step(
                step: step["step"],
                status: confirmedAt == nil ? "waiting" : "confirmed",
                attempts: step["attempts"],
                lastRequestedAt: step["last_requested_at"],
                confirmedAt: confirmedAt,
                report: StepReport(step: SagaStep(rawValue: step["step"]), kind: operationKind, summary: step["summary"])
            )
        }
    }
}

/// What a step's service reported doing: its confirming event.
enum StepReport: Encodable {
    case deactivated(WorkspaceDeactivated)
    case reactivated(WorkspaceReactivated)
    case sharing(SharingStepCompleted)

    init?(step: SagaStep?, kind: OperationKind?, summary: Data?) {
        guard let summary else { return nil }
        switch (step, kind) {
        case (.lifecycle, .reactivation):
            guard let event = try? JSONCoding.decode(WorkspaceReactivated.self, from: summary) else { return nil }
            self = .reactivated(event)
        case (.lifecycle, _):
            guard let event = try? JSONCoding.decode(WorkspaceDeactivated.self, from: summary) else { return nil }
            self = .deactivated(event)
        case (.sharing, _):
            guard let event = try? JSONCoding.decode(SharingStepCompleted.self, from: summary) else { return nil }
            self = .sharing(event)
        case (nil, _): return nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .deactivated(let event): try event.encode(to: encoder)
        case .reactivated(let event): try event.encode(to: encoder)
        case .sharing(let event): try event.encode(to: encoder)
        }
    }
}
