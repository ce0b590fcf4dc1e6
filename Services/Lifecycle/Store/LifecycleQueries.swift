import GRDB
import Models
import Pipeline

/// The reads the rules need, each returning the small state value a rule takes.
enum LifecycleQueries {
    /// A key with its workspace and its user's membership, for the ``Authenticator``.
    static func storedKey(_ clientID: ClientID, db: Database) throws -> StoredKey? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT api_key.*, workspace.organization_id, workspace.status, member.role
            FROM api_key JOIN workspace ON workspace.id = api_key.workspace_id
            LEFT JOIN member ON member.workspace_id = api_key.workspace_id AND member.user_id = api_key.user_id
            WHERE api_key.client_id = ?
            """), arguments: [clientID.rawValue])
        else { return nil }
        let key = try APIKeyRecord(row: row)
        return StoredKey(
            clientID: key.clientID, secretHash: key.secretHash, workspaceID: key.workspaceID, organizationID: row["organization_id"],
            workspaceStatus: row["status"], userID: key.userID, role: row["role"], scopes: key.scopeSet,
            expiresAt: key.expiresAt, revoked: key.revokedAt != nil
        )
    }

    static func organization(_ id: OrganizationID, db: Database) throws -> OrganizationState? {
        guard try OrganizationRecord.exists(db, key: id.rawValue) else { return nil }
        let features = try String.fetchAll(db.cachedStatement(sql: "SELECT feature FROM organization_feature WHERE organization_id = ?"), arguments: [id.rawValue])
        return OrganizationState(enabledFeatures: Set(features.compactMap(Feature.init(rawValue:))))
    }

    static func organizationCreation(name: String, ownerEmail: String, db: Database) throws -> OrganizationRules.CreationState {
        let taken = try OrganizationRecord.filter(OrganizationRecord.CodingKeys.nameKey == nameKey(name)).fetchCount(db) > 0
        let owner = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM user WHERE email = ? COLLATE NOCASE"), arguments: [ownerEmail.trimmingCharacters(in: .whitespaces)])
        return OrganizationRules.CreationState(nameTaken: taken, existingOwner: owner.map(UserID.init(rawValue:)))
    }

    static func workspaceCreation(for caller: Caller, db: Database) throws -> WorkspaceRules.CreationState {
        let organization = try organization(caller.organizationID, db: db) ?? OrganizationState(enabledFeatures: [])
        let names = try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM workspace WHERE organization_id = ?"), arguments: [caller.organizationID.rawValue])
        let email = try String.fetchOne(db.cachedStatement(sql: "SELECT email FROM user WHERE id = ?"), arguments: [caller.userID.rawValue]) ?? ""
        return WorkspaceRules.CreationState(
            organization: organization, takenNames: Set(names), callerEmail: email,
            callerSSO: try sso(caller.workspaceID, db: db), callerClaimMappings: try claimMappings(caller.workspaceID, db: db)
        )
    }

    /// A key of the caller's workspace; nil for keys of other workspaces, which callers cannot see.
    static func key(_ clientID: ClientID, visibleTo principal: Principal, db: Database) throws -> KeyRules.KeyState? {
        guard case .member(let caller) = principal, clientID.isWellFormed,
              let record = try APIKeyRecord.fetchOne(db, key: clientID.rawValue), record.workspaceID == caller.workspaceID
        else { return nil }
        return KeyRules.KeyState(userID: record.userID, revoked: record.revokedAt != nil)
    }

    /// What is known about each (normalized) address in the caller's workspace.
    static func invitees(_ emails: [String], in workspace: WorkspaceID?, db: Database) throws -> [String: InvitationRules.InviteeState] {
        var states: [String: InvitationRules.InviteeState] = [:]
        guard let workspace else { return states }
        for raw in emails {
            let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let isMember = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM member JOIN user ON user.id = member.user_id WHERE member.workspace_id = ? AND user.email = ?)
                """), arguments: [workspace.rawValue, email]) ?? false
            let pending = try String.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM invitation WHERE workspace_id = ? AND email = ? AND status = 'pending' ORDER BY created_at DESC LIMIT 1
                """), arguments: [workspace.rawValue, email])
            states[email] = InvitationRules.InviteeState(isMember: isMember, pendingInvitation: pending.map(InvitationID.init(rawValue:)))
        }
        return states
    }

    static func invitation(_ id: InvitationID, db: Database) throws -> InvitationRules.InvitationState? {
        guard id.isWellFormed, let record = try InvitationRecord.fetchOne(db, key: id.rawValue),
              let workspace = try WorkspaceRecord.fetchOne(db, key: record.workspaceID.rawValue)
        else { return nil }
        let user = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM user WHERE email = ?"), arguments: [record.email]).map(UserID.init(rawValue:))
        let isMember = try user.map { try MemberRecord.exists(db, key: ["workspace_id": record.workspaceID.rawValue, "user_id": $0.rawValue]) } ?? false
        return InvitationRules.InvitationState(
            workspaceID: record.workspaceID, email: record.email, role: record.role, status: record.status, expiresAt: record.expiresAt,
            tokenHash: record.tokenHash, workspaceActive: workspace.status == .active, existingUser: user, isMember: isMember
        )
    }

    static func member(_ userID: UserID, visibleTo principal: Principal, db: Database) throws -> MemberRules.MemberState? {
        guard case .member(let caller) = principal, userID.isWellFormed,
              let record = try MemberRecord.fetchOne(db, key: ["workspace_id": caller.workspaceID.rawValue, "user_id": userID.rawValue])
        else { return nil }
        let owners = try MemberRecord.filter(MemberRecord.CodingKeys.workspaceID == caller.workspaceID.rawValue && MemberRecord.CodingKeys.role == Role.owner.rawValue).fetchCount(db)
        let keys = try String.fetchAll(db.cachedStatement(sql: "SELECT client_id FROM api_key WHERE workspace_id = ? AND user_id = ? AND revoked_at IS NULL ORDER BY client_id"), arguments: [caller.workspaceID.rawValue, userID.rawValue])
        return MemberRules.MemberState(role: record.role, ownerCount: owners, activeKeys: keys.map(ClientID.init(rawValue:)))
    }

    static func sso(_ workspace: WorkspaceID, db: Database) throws -> SSORules.Settings? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM sso_config WHERE workspace_id = ?"), arguments: [workspace.rawValue]).map {
            SSORules.Settings(entityID: $0["entity_id"], ssoURL: $0["sso_url"], certificate: $0["certificate"], certificateSHA256: $0["certificate_sha256"])
        }
    }

    static func claimMappings(_ workspace: WorkspaceID, db: Database) throws -> [SSORules.Mapping] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT claim, value, role FROM claim_mapping WHERE workspace_id = ? ORDER BY claim, value"), arguments: [workspace.rawValue]).compactMap { row in
            Role(rawValue: row["role"]).map { SSORules.Mapping(claim: row["claim"], value: row["value"], role: $0) }
        }
    }

    static func copySource(_ source: WorkspaceID, for principal: Principal, db: Database) throws -> SSORules.CopySource? {
        guard case .member(let caller) = principal, source.isWellFormed, let workspace = try WorkspaceRecord.fetchOne(db, key: source.rawValue) else { return nil }
        let role = try MemberRecord.fetchOne(db, key: ["workspace_id": source.rawValue, "user_id": caller.userID.rawValue])?.role
        return SSORules.CopySource(organizationID: workspace.organizationID, callerRole: role, settings: try sso(source, db: db))
    }

    static func claimMappingExists(_ id: ClaimMappingID, in workspace: WorkspaceID?, db: Database) throws -> Bool {
        guard let workspace else { return false }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM claim_mapping WHERE id = ? AND workspace_id = ?)"), arguments: [id.rawValue, workspace.rawValue]) ?? false
    }

    static func runnerNames(in workspace: WorkspaceID?, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM step_runner WHERE workspace_id = ?"), arguments: [workspace.rawValue]))
    }

    static func runner(_ id: RunnerID, db: Database) throws -> RunnerRules.RunnerState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT step_runner.workspace_id, step_runner.registered_at IS NOT NULL AS registered, step_runner.token_hash, workspace.status
            FROM step_runner JOIN workspace ON workspace.id = step_runner.workspace_id WHERE step_runner.id = ?
            """), arguments: [id.rawValue])
        else { return nil }
        return RunnerRules.RunnerState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]), registered: row["registered"], tokenHash: row["token_hash"],
            workspaceActive: row["status"] == WorkspaceStatus.active.rawValue
        )
    }

    static func integration(_ id: IntegrationID, db: Database) throws -> IntegrationSnapshot? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM integration WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        return try integration(row)
    }

    static func integration(_ row: Row) throws -> IntegrationSnapshot? {
        guard let kind = IntegrationKind(rawValue: row["kind"]) else { return nil }
        return IntegrationSnapshot(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]), integrationID: IntegrationID(rawValue: row["id"]), kind: kind,
            vendor: row["vendor"], name: row["name"],
            parameters: try JSONCoding.decode([String: String].self, from: row["parameters"]),
            secretFields: try JSONCoding.decode([String].self, from: row["secret_fields"]),
            refreshState: (row["refresh_state"] as String?).flatMap(RefreshState.init(rawValue:))
        )
    }

    static func ownerKeyTarget(_ command: IssueOwnerKey, db: Database) throws -> KeyRules.OwnerKeyTarget? {
        guard command.workspaceID.isWellFormed, let status = try WorkspaceStatus.fetchOne(db.cachedStatement(sql: "SELECT status FROM workspace WHERE id = ?"), arguments: [command.workspaceID]) else { return nil }
        let role = try Role.fetchOne(db.cachedStatement(sql: "SELECT role FROM member WHERE workspace_id = ? AND user_id = ?"), arguments: [command.workspaceID, command.userID])
        return KeyRules.OwnerKeyTarget(workspaceActive: status == .active, role: role)
    }

    static func deactivationState(_ workspace: WorkspaceID, db: Database) throws -> WorkspaceStatusRules.DeactivationState {
        WorkspaceStatusRules.DeactivationState(
            workflows: try Row.fetchAll(db.cachedStatement(sql: "SELECT id, name, enabled, triggers_enabled FROM workflow WHERE workspace_id = ? ORDER BY name_key"), arguments: [workspace])
                .map { WorkflowSwitches(workflowID: $0["id"], name: $0["name"], enabled: $0["enabled"], triggersEnabled: $0["triggers_enabled"]) },
            runningExecutions: try ExecutionID.fetchAll(db.cachedStatement(sql: "SELECT id FROM execution WHERE workspace_id = ? AND status = 'running' ORDER BY started_at, id"), arguments: [workspace]),
            refreshingIntegrations: try IntegrationID.fetchAll(db.cachedStatement(sql: "SELECT id FROM integration WHERE workspace_id = ? AND refresh_state = 'active' ORDER BY id"), arguments: [workspace]),
            liveKeys: try Row.fetchAll(db.cachedStatement(sql: "SELECT client_id, user_id FROM api_key WHERE workspace_id = ? AND revoked_at IS NULL ORDER BY client_id"), arguments: [workspace])
                .map { WorkspaceStatusRules.LiveKey(clientID: $0["client_id"], userID: $0["user_id"]) }
        )
    }

    static func reactivationState(_ workspace: WorkspaceID, db: Database) throws -> WorkspaceStatusRules.ReactivationState {
        WorkspaceStatusRules.ReactivationState(
            workflowsBefore: try Row.fetchAll(db.cachedStatement(sql: """
                SELECT workflow.id, workflow.name, deactivated_workflow.enabled, deactivated_workflow.triggers_enabled
                FROM deactivated_workflow JOIN workflow ON workflow.id = deactivated_workflow.workflow_id
                WHERE deactivated_workflow.workspace_id = ? ORDER BY workflow.name_key
                """), arguments: [workspace])
                .map { WorkflowSwitches(workflowID: $0["id"], name: $0["name"], enabled: $0["enabled"], triggersEnabled: $0["triggers_enabled"]) },
            oauthIntegrations: try IntegrationID.fetchAll(db.cachedStatement(sql: "SELECT id FROM integration WHERE workspace_id = ? AND refresh_state IS NOT NULL ORDER BY id"), arguments: [workspace])
        )
    }

    /// Whether the id names a copy shared into the workspace.
    static func isSharedCopy(_ id: IntegrationID, in workspace: WorkspaceID?, db: Database) throws -> Bool {
        guard let workspace else { return false }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM shared_copy WHERE id = ? AND destination_workspace_id = ?)"), arguments: [id, workspace]) ?? false
    }

    /// Name keys of a workspace's integrations of one kind, leaving one integration out (when renaming it).
    static func integrationNames(in workspace: WorkspaceID?, kind: IntegrationKind, except: IntegrationID? = nil, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM integration WHERE workspace_id = ? AND kind = ? AND id != ?"),
                                       arguments: [workspace.rawValue, kind.rawValue, except?.rawValue ?? ""]))
    }

    static func workflowNames(in workspace: WorkspaceID?, db: Database) throws -> Set<String> {
        guard let workspace else { return [] }
        return Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name_key FROM workflow WHERE workspace_id = ?"), arguments: [workspace.rawValue]))
    }

    static func workflow(_ id: WorkflowID, db: Database) throws -> WorkflowRules.WorkflowState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM workflow WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        let revisions = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM workflow_revision WHERE workflow_id = ?"), arguments: [id.rawValue])
        return WorkflowRules.WorkflowState(
            workspaceID: WorkspaceID(rawValue: row["workspace_id"]), currentRevision: RevisionID(rawValue: row["current_revision_id"]),
            publishedRevision: (row["published_revision_id"] as String?).map(RevisionID.init(rawValue:)),
            revisions: Set(revisions.map(RevisionID.init(rawValue:))), enabled: row["enabled"], triggersEnabled: row["triggers_enabled"],
            tags: Set(try JSONCoding.decode([String].self, from: row["tags"]))
        )
    }

    static func execution(_ id: ExecutionID, db: Database) throws -> WorkflowRules.ExecutionState? {
        guard id.isWellFormed, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT workspace_id, status FROM execution WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        return WorkflowRules.ExecutionState(workspaceID: WorkspaceID(rawValue: row["workspace_id"]), running: row["status"] == "running")
    }
}
