import Directory
import Foundation
import GRDB
import Models

/// The reads the rules need.
enum DeactivationQueries {
    static func target(_ id: WorkspaceID, db: Database) throws -> TargetState {
        guard let workspace = try Directory.workspace(id, db: db) else { return TargetState() }
        return TargetState(
            workspace: workspace,
            features: try Directory.features(of: workspace.organizationID, db: db),
            running: try OperationID.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM operation WHERE workspace_id = ? AND status = ?"),
                arguments: [id, OperationStatus.inProgress]
            )
        )
    }

    static func operation(_ id: OperationID, db: Database) throws -> OperationState? {
        try operations("id = ?", [id], db: db).first
    }

    static func running(db: Database) throws -> [OperationState] {
        try operations("status = ?", [OperationStatus.inProgress], db: db)
    }

    /// What the workspace had before its latest deactivation, from the steps' confirmations.
    static func stateBefore(_ workspace: WorkspaceID, db: Database) throws -> StateBefore {
        guard
            let operation = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM operation WHERE workspace_id = ? AND kind = ? ORDER BY started_at DESC, rowid DESC LIMIT 1
                        """
                ),
                arguments: [workspace, OperationKind.deactivation.rawValue]
            )
        else { return StateBefore() }
        var before = StateBefore()
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT step, summary FROM operation_step WHERE operation_id = ? AND summary IS NOT NULL"),
            arguments: [operation]
        ) {
            let summary: Data = row["summary"]
            switch SagaStep(rawValue: row["step"]) {
            case .lifecycle: before.workflows = (try? JSONCoding.decode(WorkspaceDeactivated.self, from: summary))?.workflows ?? []
            case .sharing: before.shares = (try? JSONCoding.decode(SharingStepCompleted.self, from: summary))?.endedShares ?? []
            case nil: break
            }
        }
        return before
    }

    private static func operations(_ condition: String, _ arguments: StatementArguments, db: Database) throws -> [OperationState] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM operation WHERE " + condition), arguments: arguments).map { row in
            let id: OperationID = row["id"]
            var steps: [SagaStep: StepState] = [:]
            for step in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM operation_step WHERE operation_id = ?"), arguments: [id]) {
                guard let name = SagaStep(rawValue: step["step"]) else { continue }
                steps[name] = StepState(
                    confirmed: !(step["confirmed_at"] as DatabaseValue).isNull,
                    attempts: step["attempts"],
                    lastRequestedAt: step["last_requested_at"]
                )
            }
            return OperationState(
                reference: OperationReference(
                    operationID: id,
                    kind: OperationKind(rawValue: row["kind"]) ?? .deactivation,
                    workspaceID: row["workspace_id"],
                    organizationID: row["organization_id"]
                ),
                status: OperationStatus(rawValue: row["status"]) ?? .inProgress,
                steps: steps
            )
        }
    }
}

/// Bound as its raw string, like the model values in Pipeline's DatabaseValues.
extension OperationStatus: DatabaseValueConvertible {}
