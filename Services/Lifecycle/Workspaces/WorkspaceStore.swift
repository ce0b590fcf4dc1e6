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
        case id
        case organizationID = "organization_id"
        case name
        case nameKey = "name_key"
        case status
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}

/// The `workspace` table: the state the workspace rules need (what creating a workspace depends on,
/// and the workspace as a deactivation or reactivation finds it, gathered from the features whose
/// state the saga changes), and the projection of the workspace events, the only code that writes it.
enum WorkspaceStore {
    // MARK: The state the rules need

    static func exists(_ id: WorkspaceID, db: Database) throws -> Bool {
        try WorkspaceRecord.exists(db, key: id.rawValue)
    }

    static func creation(for caller: Caller, db: Database) throws -> WorkspaceRules.CreationState {
        let organization = try OrganizationStore.organization(caller.organizationID, db: db) ?? OrganizationState(enabledFeatures: [])
        let names = try String.fetchAll(
            db.cachedStatement(sql: "SELECT name_key FROM workspace WHERE organization_id = ?"),
            arguments: [caller.organizationID.rawValue]
        )
        let email = try String.fetchOne(db.cachedStatement(sql: "SELECT email FROM user WHERE id = ?"), arguments: [caller.userID.rawValue]) ?? ""
        return WorkspaceRules.CreationState(
            organization: organization,
            takenNames: Set(names),
            callerEmail: email,
            callerSSO: try SSOStore.settings(caller.workspaceID, db: db),
            callerClaimMappings: try SSOStore.claimMappings(caller.workspaceID, db: db)
        )
    }

    static func deactivationState(_ workspace: WorkspaceID, db: Database) throws -> WorkspaceStatusRules.DeactivationState {
        WorkspaceStatusRules.DeactivationState(
            workflows: try WorkflowStore.switches(in: workspace, db: db),
            runningExecutions: try WorkflowStore.runningExecutions(in: workspace, db: db),
            refreshingIntegrations: try IntegrationStore.refreshing(in: workspace, db: db),
            liveKeys: try KeyStore.liveKeys(in: workspace, db: db)
        )
    }

    static func reactivationState(_ workspace: WorkspaceID, db: Database) throws -> WorkspaceStatusRules.ReactivationState {
        WorkspaceStatusRules.ReactivationState(
            workflowsBefore: try WorkflowStore.switchesBeforeDeactivation(in: workspace, db: db),
            oauthIntegrations: try IntegrationStore.oauth(in: workspace, db: db)
        )
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(WorkspaceCreated.self) { event, target in
            try WorkspaceRecord(
                id: event.workspaceID,
                organizationID: event.organizationID,
                name: event.name,
                nameKey: nameKey(event.name),
                status: .active,
                createdBy: event.createdBy,
                createdAt: target.time
            ).insert(target.db)
        }
        .on(WorkspaceDeactivated.self) { event, target in
            try setStatus(.inactive, of: event.workspaceID, db: target.db)
            try WorkflowStore.switchOff(event.workflows, in: event.workspaceID, at: target)
            try WorkflowStore.stop(event.stoppedExecutions, at: target)
            try IntegrationStore.setRefreshState(.stopped, of: event.stoppedIntegrations, at: target)
        }
        .on(WorkspaceReactivated.self) { event, target in
            try setStatus(.active, of: event.workspaceID, db: target.db)
            try WorkflowStore.restore(event.workflowsBefore, in: event.workspaceID, at: target)
            try IntegrationStore.setRefreshState(.needsReconfiguration, of: event.integrationsToReconfigure, at: target)
        }

    private static func setStatus(_ status: WorkspaceStatus, of workspace: WorkspaceID, db: Database) throws {
        try db.cachedStatement(sql: "UPDATE workspace SET status = ? WHERE id = ?").execute(arguments: [status, workspace])
    }
}
