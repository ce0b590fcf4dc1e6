import Models

/// Creating workspaces: an Owner with `organizations.write`, in an organization that has the
/// `workspace_creation` feature, becomes Owner of the new workspace and receives a key for it, with
/// no more scopes and no later expiry than the key that asked for it.
enum WorkspaceRules {
    /// What creating a workspace depends on.
    struct CreationState: Sendable {
        var organization: OrganizationState
        /// Name keys (trimmed, lower-cased) of the organization's workspaces.
        var takenNames: Set<String>
        /// The caller's email, carried in the membership event.
        var callerEmail: String
        /// The caller's workspace's SSO settings and claim mappings, for `copy_sso_config`.
        var callerSSO: SSORules.Settings?
        var callerClaimMappings: [SSORules.Mapping] = []
    }

    static func create(
        _ command: CreateWorkspace,
        by principal: Principal,
        state: CreationState,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try Authorization.requireMember(principal, role: .owner, scope: .organizationsWrite, to: "creating a workspace")
        guard state.organization.enabledFeatures.contains(.workspaceCreation) else {
            throw Rejection(.featureDisabled, "workspace creation is not enabled for this organization; an operator can enable 'workspace_creation'")
        }
        let name: String
        if let requested = command.name {
            name = try Validation.name(requested, field: "name")
            guard !state.takenNames.contains(nameKey(name)) else {
                throw Rejection(.nameTaken, "a workspace named '\(name)' already exists in this organization", field: "name")
            }
        } else {
            name = defaultName(avoiding: state.takenNames)
        }
        let workspaceID: WorkspaceID = context.newID("workspace")
        let member = MemberAdded(workspaceID: workspaceID, userID: caller.userID, email: state.callerEmail, role: .owner)
        let limit = ExpiryLimit(issuerExpiry: caller.keyExpiresAt, maxLifetimeDays: state.organization.maxKeyLifetimeDays, now: context.now)
        let key = KeyIssue.make(
            workspaceID: workspaceID,
            userID: caller.userID,
            role: .owner,
            scopes: caller.scopes,
            expiresAt: limit.latest,
            issuedBy: caller.clientID,
            context: context
        )
        var events = [
            DomainEvent(
                WorkspaceCreated(workspaceID: workspaceID, organizationID: caller.organizationID, name: name, createdBy: caller.userID),
                subject: workspaceID.rawValue
            ),
            DomainEvent(member, subject: workspaceID.rawValue),
            DomainEvent(key.event, subject: workspaceID.rawValue),
        ]
        if command.copySSOConfig == true {
            guard state.callerSSO != nil || !state.callerClaimMappings.isEmpty else {
                throw Rejection(
                    .notFound,
                    "copy_sso_config: workspace '\(caller.workspaceID)' has no SSO settings or claim mappings to copy",
                    field: "copy_sso_config"
                )
            }
            events += SSORules.copied(
                settings: state.callerSSO,
                mappings: state.callerClaimMappings,
                into: workspaceID,
                from: caller.workspaceID,
                context: context
            )
        }
        return CommandOutcome(
            events: events,
            created: ["workspace_id": workspaceID.rawValue, "client_id": key.event.clientID.rawValue],
            secrets: ["client_secret": key.secret]
        )
    }

    /// The lowest free `Workspace N`.
    static func defaultName(avoiding taken: Set<String>) -> String {
        var number = 1
        while taken.contains(nameKey("Workspace \(number)")) { number += 1 }
        return "Workspace \(number)"
    }
}
