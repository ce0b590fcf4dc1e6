import Foundation
import GRDB
import Models

/// One row of `workspace`.
struct WorkspaceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "workspace"
    var id: WorkspaceID
    var organizationID: OrganizationID
    var name: String
    var nameKey: String
    var status: WorkspaceStatus
    var createdBy: UserID?
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, organizationID = "organization_id", name, nameKey = "name_key", status, createdBy = "created_by", createdAt = "created_at"
    }
}

/// Applies the workspace events: a new workspace, and Lifecycle's step of a deactivation or
/// reactivation, which also switches the workspace's workflows, executions and integrations.
enum WorkspaceProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(WorkspaceCreated.self) { event, target in
            try WorkspaceRecord(
                id: event.workspaceID, organizationID: event.organizationID, name: event.name, nameKey: nameKey(event.name),
                status: .active, createdBy: event.createdBy, createdAt: target.time
            ).insert(target.db)
        }
        .on(WorkspaceDeactivated.self) { event, target in
            try setStatus(.inactive, of: event.workspaceID, db: target.db)
            try WorkflowProjection.switchOff(event.workflows, in: event.workspaceID, at: target)
            try WorkflowProjection.stop(event.stoppedExecutions, at: target)
            try IntegrationProjection.setRefreshState(.stopped, of: event.stoppedIntegrations, at: target)
        }
        .on(WorkspaceReactivated.self) { event, target in
            try setStatus(.active, of: event.workspaceID, db: target.db)
            try WorkflowProjection.restore(event.workflowsBefore, in: event.workspaceID, at: target)
            try IntegrationProjection.setRefreshState(.needsReconfiguration, of: event.integrationsToReconfigure, at: target)
        }

    private static func setStatus(_ status: WorkspaceStatus, of workspace: WorkspaceID, db: Database) throws {
        try db.cachedStatement(sql: "UPDATE workspace SET status = ? WHERE id = ?").execute(arguments: [status, workspace])
    }
}
