import Directory
import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// Deactivation's read side: one operation with its steps, and a workspace's status with its operations.
enum OperationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/operations/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let view = try await reader.read { db in try operations("id = ?", [id], db: db).first }
            return try JSONResponse.make(view, notFound: "operation '\(id)' not found")
        }
        router.get("/workspaces/:id/operations") { _, context -> Response in
            let id = try context.parameters.require("id")
            let view = try await reader.read { db -> WorkspaceOperationsView? in
                guard let workspace = try Directory.workspace(WorkspaceID(rawValue: id), db: db) else { return nil }
                let operations = try operations("workspace_id = ? ORDER BY started_at DESC, rowid DESC", [id], db: db)
                return WorkspaceOperationsView(workspaceID: id, status: workspace.status.rawValue, operations: operations)
            }
            return try JSONResponse.make(view, notFound: "workspace '\(id)' not found")
        }
    }

    private static func operations(_ condition: String, _ arguments: StatementArguments, db: Database) throws -> [OperationView] {
        try Row.fetchAll(db, sql: "SELECT * FROM operation WHERE " + condition, arguments: arguments).map { row in
            let steps = try Row.fetchAll(db, sql: "SELECT * FROM operation_step WHERE operation_id = ? ORDER BY step", arguments: [row["id"] as String])
            return OperationView(row: row, steps: steps)
        }
    }
}

struct WorkspaceOperationsView: Encodable {
    var workspaceID: String
    /// `active` or `inactive`, as Deactivation's replica knows it.
    var status: String
    var operations: [OperationView]

    enum CodingKeys: String, CodingKey { case workspaceID = "workspace_id", status, operations }
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
            case step, status, attempts, lastRequestedAt = "last_requested_at", confirmedAt = "confirmed_at", report
        }
    }

    struct Failure: Encodable { var step: String; var reason: String }

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
        case operationID = "operation_id", kind, workspaceID = "workspace_id", organizationID = "organization_id", status
        case requestedBy = "requested_by", startedAt = "started_at", finishedAt = "finished_at", failure, steps
    }

    init(row: Row, steps: [Row]) {
        let kind: String = row["kind"]
        operationID = row["id"]
        self.kind = kind
        workspaceID = row["workspace_id"]
        organizationID = row["organization_id"]
        requestedBy = row["requested_by"]
        startedAt = row["started_at"]
        finishedAt = row["finished_at"]
        let state = OperationStatus(rawValue: row["status"]) ?? .inProgress
        status = switch (state, kind) {
        case (.inProgress, "reactivation"): "reactivating"
        case (.inProgress, _): "deactivating"
        case (.completed, "reactivation"): "reactivated"
        case (.completed, _): "deactivated"
        case (.failed, _): "failed"
        }
        if let step: String = row["failed_step"] { failure = Failure(step: step, reason: row["failure_reason"] ?? "") }
        self.steps = steps.map { step in
            let confirmedAt: Date? = step["confirmed_at"]
            return Step(
                step: step["step"], status: confirmedAt == nil ? "waiting" : "confirmed", attempts: step["attempts"],
                lastRequestedAt: step["last_requested_at"], confirmedAt: confirmedAt, report: StepReport(step: step["step"], kind: kind, summary: step["summary"])
            )
        }
    }
}

/// What a step's service reported doing: its confirming event.
enum StepReport: Encodable {
    case deactivated(WorkspaceDeactivated)
    case reactivated(WorkspaceReactivated)
    case sharing(SharingStepCompleted)

    init?(step: String, kind: String, summary: Data?) {
        guard let summary else { return nil }
        switch (SagaStep(rawValue: step), kind) {
        case (.lifecycle, "reactivation"): guard let event = try? JSONCoding.decode(WorkspaceReactivated.self, from: summary) else { return nil }; self = .reactivated(event)
        case (.lifecycle, _): guard let event = try? JSONCoding.decode(WorkspaceDeactivated.self, from: summary) else { return nil }; self = .deactivated(event)
        case (.sharing, _): guard let event = try? JSONCoding.decode(SharingStepCompleted.self, from: summary) else { return nil }; self = .sharing(event)
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
