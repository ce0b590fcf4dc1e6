import Models

/// SSO: Owners and Admins (with `workspace.write`) set their workspace's IdP settings, copy them
/// from another workspace of the organization that they own, and map claim values to roles.
enum SSORules {
    /// A workspace's IdP settings, checked.
    struct Settings: Sendable, Hashable {
        var entityID: String
        var ssoURL: String
        var certificate: String
        var certificateSHA256: String
    }

    /// A claim value that grants a role.
    struct Mapping: Sendable, Hashable {
        var claim: String
        var value: String
        var role: Role
    }

    /// Another workspace, as seen by a caller who wants to copy its settings.
    struct CopySource: Sendable {
        var organizationID: OrganizationID
        /// The role there of the caller key's user (one person within the organization, since
        /// invitations prove their address); nil when not a member.
        var callerRole: Role?
        var settings: Settings?
    }

    static func configure(_ command: ConfigureSSO, by principal: Principal) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "configuring SSO")
        let settings = try SSOValidation.settings(entityID: command.entityID, ssoURL: command.ssoURL, certificate: command.certificate)
        return CommandOutcome(events: [configured(settings, in: caller.workspaceID, copiedFrom: nil)])
    }

    static func copy(_ command: CopySSOConfig, by principal: Principal, source: CopySource?) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "configuring SSO")
        guard command.sourceWorkspaceID != caller.workspaceID else {
            throw .invalid("source_workspace_id", "is this workspace; name another one")
        }
        guard let source, source.organizationID == caller.organizationID else {
            throw Rejection(.notFound, "no workspace '\(command.sourceWorkspaceID)' in this organization", field: "source_workspace_id")
        }
        guard source.callerRole == .owner else {
            throw Rejection(.forbidden, "copying SSO settings needs the Owner role in the source workspace")
        }
        guard let settings = source.settings else {
            throw Rejection(.notFound, "workspace '\(command.sourceWorkspaceID)' has no SSO settings", field: "source_workspace_id")
        }
        return CommandOutcome(events: [configured(settings, in: caller.workspaceID, copiedFrom: command.sourceWorkspaceID)])
    }

    static func createMapping(
        _ command: CreateClaimMapping,
        by principal: Principal,
        existing: Set<Mapping>,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "mapping claims to roles")
        let claim = try SSOValidation.claimText(command.claim, field: "claim")
        let value = try SSOValidation.claimText(command.value, field: "value")
        guard command.role >= caller.role else {
            throw Rejection(.forbidden, "you cannot map a claim to a role above your own (\(caller.role.rawValue))", field: "role")
        }
        guard !existing.contains(where: { $0.claim == claim && $0.value == value }) else {
            throw Rejection(.alreadyExists, "claim '\(claim)' with value '\(value)' is already mapped; delete that mapping first")
        }
        let id: ClaimMappingID = context.newID("claim-mapping")
        let event = ClaimMappingCreated(workspaceID: caller.workspaceID, mappingID: id, claim: claim, value: value, role: command.role)
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)], created: ["mapping_id": id.rawValue])
    }

    static func deleteMapping(_ command: DeleteClaimMapping, by principal: Principal, exists: Bool) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .admin, scope: .workspaceWrite, to: "mapping claims to roles")
        guard exists else {
            throw Rejection(.notFound, "no claim mapping '\(command.mappingID)' in this workspace", field: "mapping_id")
        }
        return CommandOutcome(events: [
            DomainEvent(ClaimMappingDeleted(workspaceID: caller.workspaceID, mappingID: command.mappingID), subject: caller.workspaceID.rawValue)
        ])
    }

    /// The events that give a new workspace a copy of another's settings and claim mappings.
    static func copied(
        settings: Settings?,
        mappings: [Mapping],
        into workspace: WorkspaceID,
        from source: WorkspaceID,
        context: DecisionContext
    ) -> [DomainEvent] {
        var events = settings.map { [configured($0, in: workspace, copiedFrom: source)] } ?? []
        for (index, mapping) in mappings.enumerated() {
            let event = ClaimMappingCreated(
                workspaceID: workspace,
                mappingID: context.newID("claim-mapping.\(index)"),
                claim: mapping.claim,
                value: mapping.value,
                role: mapping.role
            )
            events.append(DomainEvent(event, subject: workspace.rawValue))
        }
        return events
    }

    private static func configured(_ settings: Settings, in workspace: WorkspaceID, copiedFrom: WorkspaceID?) -> DomainEvent {
        let event = SSOConfigured(
            workspaceID: workspace,
            entityID: settings.entityID,
            ssoURL: settings.ssoURL,
            certificate: settings.certificate,
            certificateSHA256: settings.certificateSHA256,
            copiedFrom: copiedFrom
        )
        return DomainEvent(event, subject: workspace.rawValue)
    }
}
