import Foundation
import GRDB
import Models
import Pipeline

/// Applies Lifecycle's events, and Sharing's events about shared copies, to its tables: the only
/// code that writes Lifecycle state, so the database always equals the fold of those events.
enum LifecycleProjection {
    static func apply(_ event: any Message, at time: Date, db: Database) throws {
        switch event {
        case let event as OrganizationCreated:
            try OrganizationRecord(id: event.organizationID, name: event.name, nameKey: nameKey(event.name), createdAt: time).insert(db)
        case let event as OrganizationFeaturesChanged:
            try db.cachedStatement(sql: "DELETE FROM organization_feature WHERE organization_id = ?")
                .execute(arguments: [event.organizationID.rawValue])
            for feature in event.enabled {
                try db.cachedStatement(sql: "INSERT INTO organization_feature (organization_id, feature) VALUES (?, ?)")
                    .execute(arguments: [event.organizationID.rawValue, feature.rawValue])
            }
        case let event as WorkspaceCreated:
            try WorkspaceRecord(
                id: event.workspaceID, organizationID: event.organizationID, name: event.name, nameKey: nameKey(event.name),
                status: .active, createdBy: event.createdBy, createdAt: time
            ).insert(db)
        case let event as MemberAdded:
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO user (id, email) VALUES (?, ?)")
                .execute(arguments: [event.userID.rawValue, event.email])
            try MemberRecord(workspaceID: event.workspaceID, userID: event.userID, role: event.role).upsert(db)
        case let event as APIKeyIssued:
            try APIKeyRecord(
                clientID: event.clientID, secretHash: event.secretHash, workspaceID: event.workspaceID, userID: event.userID,
                scopes: event.scopes.map(\.rawValue).joined(separator: " "), issuerRole: event.issuerRole,
                createdAt: time, expiresAt: event.expiresAt, revokedAt: nil
            ).insert(db)
        case let event as APIKeyRevoked:
            try db.cachedStatement(sql: "UPDATE api_key SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
                .execute(arguments: [time, event.clientID.rawValue])
        case let event as InvitationSent:
            try InvitationRecord(
                id: event.invitationID, workspaceID: event.workspaceID, email: event.email, role: event.role, status: .pending,
                tokenHash: event.tokenHash, invitedBy: event.invitedBy, createdAt: time, expiresAt: event.expiresAt, acceptedBy: nil
            ).insert(db)
        case let event as InvitationRevoked:
            let status: InvitationStatus = event.reason == .replaced ? .replaced : .revoked
            try db.cachedStatement(sql: "UPDATE invitation SET status = ? WHERE id = ?")
                .execute(arguments: [status.rawValue, event.invitationID.rawValue])
        case let event as InvitationAccepted:
            try db.cachedStatement(sql: "UPDATE invitation SET status = 'accepted', accepted_by = ? WHERE id = ?")
                .execute(arguments: [event.userID.rawValue, event.invitationID.rawValue])
        case let event as MemberRoleChanged:
            try db.cachedStatement(sql: "UPDATE member SET role = ? WHERE workspace_id = ? AND user_id = ?")
                .execute(arguments: [event.role.rawValue, event.workspaceID.rawValue, event.userID.rawValue])
        case let event as MemberRemoved:
            try db.cachedStatement(sql: "DELETE FROM member WHERE workspace_id = ? AND user_id = ?")
                .execute(arguments: [event.workspaceID.rawValue, event.userID.rawValue])
        case let event as SSOConfigured:
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO sso_config (workspace_id, entity_id, sso_url, certificate, certificate_sha256, copied_from, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.workspaceID.rawValue, event.entityID, event.ssoURL, event.certificate, event.certificateSHA256, event.copiedFrom?.rawValue, time])
        case let event as ClaimMappingCreated:
            try db.cachedStatement(sql: "INSERT INTO claim_mapping (id, workspace_id, claim, value, role, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.mappingID.rawValue, event.workspaceID.rawValue, event.claim, event.value, event.role.rawValue, time])
        case let event as ClaimMappingDeleted:
            try db.cachedStatement(sql: "DELETE FROM claim_mapping WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.mappingID.rawValue, event.workspaceID.rawValue])
        case let event as StepRunnerCreated:
            try db.cachedStatement(sql: "INSERT INTO step_runner (id, workspace_id, name, platform, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [event.runnerID.rawValue, event.workspaceID.rawValue, event.name, event.platform.rawValue, event.tokenHash, event.createdBy.rawValue, time])
        case let event as StepRunnerRegistered:
            try db.cachedStatement(sql: "UPDATE step_runner SET registered_at = ? WHERE id = ?").execute(arguments: [time, event.runnerID.rawValue])
        case let event as StepRunnerDeleted:
            try db.cachedStatement(sql: "DELETE FROM step_runner WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.runnerID.rawValue, event.workspaceID.rawValue])
        case let event as IntegrationCreated:
            try upsert(event.integration, at: time, db: db)
        case let event as IntegrationUpdated:
            try upsert(event.integration, at: time, db: db)
        case let event as IntegrationDeleted:
            try db.cachedStatement(sql: "DELETE FROM integration WHERE id = ? AND workspace_id = ?")
                .execute(arguments: [event.integrationID.rawValue, event.workspaceID.rawValue])
            try db.cachedStatement(sql: "DELETE FROM shared_copy WHERE source_integration_id = ?").execute(arguments: [event.integrationID])
        case let event as ShareAccepted:
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO shared_copy (id, share_id, source_integration_id, source_workspace_id, destination_workspace_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [event.copyIntegrationID, event.share.shareID, event.share.integrationID, event.share.sourceWorkspaceID, event.share.destinationWorkspaceID, time])
        case let event as ShareRevoked:
            try db.cachedStatement(sql: "DELETE FROM shared_copy WHERE id = ?").execute(arguments: [event.copyIntegrationID])
        case let event as WorkspaceDeactivated:
            try db.cachedStatement(sql: "UPDATE workspace SET status = 'inactive' WHERE id = ?").execute(arguments: [event.workspaceID])
            for workflow in event.workflows {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO deactivated_workflow (workflow_id, workspace_id, enabled, triggers_enabled) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [workflow.workflowID, event.workspaceID, workflow.enabled, workflow.triggersEnabled])
                try db.cachedStatement(sql: "UPDATE workflow SET enabled = 0, triggers_enabled = 0, updated_at = ? WHERE id = ?")
                    .execute(arguments: [time, workflow.workflowID])
            }
            for execution in event.stoppedExecutions {
                try db.cachedStatement(sql: "UPDATE execution SET status = 'stopped', finished_at = ? WHERE id = ?")
                    .execute(arguments: [time, execution])
            }
            for integration in event.stoppedIntegrations {
                try db.cachedStatement(sql: "UPDATE integration SET refresh_state = 'stopped', updated_at = ? WHERE id = ?")
                    .execute(arguments: [time, integration])
            }
        case let event as WorkspaceReactivated:
            try db.cachedStatement(sql: "UPDATE workspace SET status = 'active' WHERE id = ?").execute(arguments: [event.workspaceID])
            for workflow in event.workflowsBefore {
                try db.cachedStatement(sql: "UPDATE workflow SET enabled = ?, triggers_enabled = 0, updated_at = ? WHERE id = ?")
                    .execute(arguments: [workflow.enabled, time, workflow.workflowID])
            }
            try db.cachedStatement(sql: "DELETE FROM deactivated_workflow WHERE workspace_id = ?").execute(arguments: [event.workspaceID])
            for integration in event.integrationsToReconfigure {
                try db.cachedStatement(sql: "UPDATE integration SET refresh_state = 'needs_reconfiguration', updated_at = ? WHERE id = ?")
                    .execute(arguments: [time, integration])
            }
        case let event as ShareRemoved:
            try db.cachedStatement(sql: "DELETE FROM shared_copy WHERE id = ?").execute(arguments: [event.copyIntegrationID])
        case let event as WorkflowImported:
            try db.cachedStatement(sql: "INSERT INTO workflow (id, workspace_id, name, name_key, current_revision_id, enabled, triggers_enabled, tags, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)")
                .execute(arguments: [event.workflowID.rawValue, event.workspaceID.rawValue, event.name, nameKey(event.name), event.revisionID.rawValue, JSONCoding.encode([String]()), time])
            try db.cachedStatement(sql: "INSERT INTO workflow_revision (id, workflow_id, yaml, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [event.revisionID.rawValue, event.workflowID.rawValue, event.yaml, time])
        case let event as WorkflowRevised:
            try db.cachedStatement(sql: "INSERT INTO workflow_revision (id, workflow_id, yaml, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [event.revisionID.rawValue, event.workflowID.rawValue, event.yaml, time])
            try db.cachedStatement(sql: "UPDATE workflow SET current_revision_id = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [event.revisionID.rawValue, time, event.workflowID.rawValue])
        case let event as WorkflowPublished:
            try db.cachedStatement(sql: "UPDATE workflow SET published_revision_id = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [event.revisionID.rawValue, time, event.workflowID.rawValue])
        case let event as WorkflowEnablementChanged:
            try db.cachedStatement(sql: "UPDATE workflow SET enabled = ?, triggers_enabled = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [event.enabled, event.triggersEnabled, time, event.workflowID.rawValue])
        case let event as WorkflowTagsChanged:
            try db.cachedStatement(sql: "UPDATE workflow SET tags = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [JSONCoding.encode(event.tags), time, event.workflowID.rawValue])
        case let event as ExecutionStarted:
            try db.cachedStatement(sql: "INSERT INTO execution (id, workspace_id, workflow_id, revision_id, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)")
                .execute(arguments: [event.executionID.rawValue, event.workspaceID.rawValue, event.workflowID.rawValue, event.revisionID.rawValue, time])
        case let event as ExecutionFinished:
            try db.cachedStatement(sql: "UPDATE execution SET status = ?, finished_at = ? WHERE id = ?")
                .execute(arguments: [event.outcome.rawValue, time, event.executionID.rawValue])
        default:
            preconditionFailure("Lifecycle has no projection for \(type(of: event).messageType)")
        }
    }

    private static func upsert(_ integration: IntegrationSnapshot, at time: Date, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO integration (id, workspace_id, kind, vendor, name, name_key, parameters, secret_fields, refresh_state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, vendor = excluded.vendor,
                parameters = excluded.parameters, secret_fields = excluded.secret_fields, refresh_state = excluded.refresh_state,
                updated_at = excluded.updated_at
            """).execute(arguments: [
                integration.integrationID.rawValue, integration.workspaceID.rawValue, integration.kind.rawValue, integration.vendor,
                integration.name, nameKey(integration.name), JSONCoding.encode(integration.parameters), JSONCoding.encode(integration.secretFields),
                integration.refreshState?.rawValue, time,
            ])
    }
}
