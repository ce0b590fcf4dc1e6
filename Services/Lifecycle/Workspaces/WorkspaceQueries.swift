import Foundation
import GRDB
import Models

/// The state the workspace rules need: what creating a workspace depends on, and the workspace as
/// a deactivation or reactivation finds it (gathered from the features whose state the saga changes).
enum WorkspaceQueries {
    static func exists(_ id: WorkspaceID, db: Database) throws -> Bool {
        try WorkspaceRecord.exists(db, key: id.rawValue)
    }

    static func creation(for caller: Caller, db: Database) throws -> WorkspaceRules.CreationState {
        let organization = try OrganizationQueries.organization(caller.organizationID, db: db) ?? OrganizationState(enabledFeatures: [])
        let names = try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM workspace WHERE organization_id = ?"), arguments: [caller.organizationID.rawValue])
        let email = try String.fetchOne(db.cachedStatement(sql: "SELECT email FROM user WHERE id = ?"), arguments: [caller.userID.rawValue]) ?? ""
        return WorkspaceRules.CreationState(
            organization: organization, takenNames: Set(names), callerEmail: email,
            callerSSO: try SSOQueries.settings(caller.workspaceID, db: db), callerClaimMappings: try SSOQueries.claimMappings(caller.workspaceID, db: db)
        )
    }

    static func deactivationState(_ workspace: WorkspaceID, db: Database) throws -> WorkspaceStatusRules.DeactivationState {
        WorkspaceStatusRules.DeactivationState(
            workflows: try WorkflowQueries.switches(in: workspace, db: db),
            runningExecutions: try WorkflowQueries.runningExecutions(in: workspace, db: db),
            refreshingIntegrations: try IntegrationQueries.refreshing(in: workspace, db: db),
            liveKeys: try KeyQueries.liveKeys(in: workspace, db: db)
        )
    }

    static func reactivationState(_ workspace: WorkspaceID, db: Database) throws -> WorkspaceStatusRules.ReactivationState {
        WorkspaceStatusRules.ReactivationState(
            workflowsBefore: try WorkflowQueries.switchesBeforeDeactivation(in: workspace, db: db),
            oauthIntegrations: try IntegrationQueries.oauth(in: workspace, db: db)
        )
    }
}
