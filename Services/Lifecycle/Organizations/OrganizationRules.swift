import Models

/// What the organization rules need to know, loaded by the handler.
struct OrganizationState: Sendable {
    var enabledFeatures: Set<Feature>
    /// The longest a key issued in the organization may live.
    var maxKeyLifetimeDays = KeyLifetime.defaultMaximumDays
}

/// Organizations: created by the operator with a first workspace, owner and API key; features and
/// the maximum key lifetime set by the operator.
enum OrganizationRules {
    /// What creating an organization depends on. Its owner is always a new user: users belong to
    /// one organization.
    struct CreationState: Sendable {
        var nameTaken: Bool
    }

    static func create(
        _ command: CreateOrganization,
        by principal: Principal,
        state: CreationState,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        try Authorization.requireOperator(principal, to: "create organizations")
        let name = try Validation.name(command.name, field: "name")
        let workspaceName = try Validation.name(command.workspaceName ?? name, field: "workspace_name")
        let email = try Validation.email(command.ownerEmail, field: "owner_email")
        let maxKeyLifetimeDays = try validLifetime(command.maxKeyLifetimeDays ?? KeyLifetime.defaultMaximumDays)
        guard !state.nameTaken else {
            throw Rejection(.nameTaken, "an organization named '\(name)' already exists", field: "name")
        }
        let organizationID: OrganizationID = context.newID("organization")
        let workspaceID: WorkspaceID = context.newID("workspace")
        let ownerID: UserID = context.newID("user")
        let limit = ExpiryLimit(issuerExpiry: nil, maxLifetimeDays: maxKeyLifetimeDays, now: context.now)
        let key = KeyIssue.make(workspaceID: workspaceID, userID: ownerID, role: .owner, expiresAt: limit.latest, context: context)
        return CommandOutcome(
            events: [
                DomainEvent(
                    OrganizationCreated(organizationID: organizationID, name: name, maxKeyLifetimeDays: maxKeyLifetimeDays),
                    subject: organizationID.rawValue
                ),
                DomainEvent(
                    WorkspaceCreated(workspaceID: workspaceID, organizationID: organizationID, name: workspaceName, createdBy: nil),
                    subject: workspaceID.rawValue
                ),
                DomainEvent(MemberAdded(workspaceID: workspaceID, userID: ownerID, email: email, role: .owner), subject: workspaceID.rawValue),
                DomainEvent(key.event, subject: workspaceID.rawValue),
            ],
            created: [
                "organization_id": organizationID.rawValue, "workspace_id": workspaceID.rawValue,
                "user_id": ownerID.rawValue, "client_id": key.event.clientID.rawValue,
            ],
            secrets: ["client_secret": key.secret]
        )
    }

    /// Features not named keep their state. Rejected when nothing would change.
    static func setFeatures(
        _ command: SetOrganizationFeatures,
        by principal: Principal,
        state: OrganizationState?
    ) throws(Rejection) -> CommandOutcome {
        try Authorization.requireOperator(principal, to: "change organization features")
        try Validation.organizationID(command.organizationID, field: "organization_id")
        guard let state else {
            throw Rejection(.notFound, "organization '\(command.organizationID)' does not exist", field: "organization_id")
        }
        guard !command.features.isEmpty else { throw .invalid("features", "name at least one feature") }
        var enabled = state.enabledFeatures
        for (name, on) in command.features.sorted(by: { $0.key < $1.key }) {
            guard let feature = Feature(rawValue: name) else {
                let known = Feature.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid("features.\(name)", "unknown feature; known features are \(known)")
            }
            if on { enabled.insert(feature) } else { enabled.remove(feature) }
        }
        let event = OrganizationFeaturesChanged(organizationID: command.organizationID, enabled: enabled.sorted())
        return CommandOutcome(events: [DomainEvent(event, subject: command.organizationID.rawValue)])
    }

    /// Applies to keys issued from now on; keys already issued keep their expiry.
    static func setKeyLifetime(
        _ command: SetOrganizationKeyLifetime,
        by principal: Principal,
        state: OrganizationState?
    ) throws(Rejection) -> CommandOutcome {
        try Authorization.requireOperator(principal, to: "change an organization's maximum key lifetime")
        try Validation.organizationID(command.organizationID, field: "organization_id")
        guard state != nil else {
            throw Rejection(.notFound, "organization '\(command.organizationID)' does not exist", field: "organization_id")
        }
        let days = try validLifetime(command.maxKeyLifetimeDays)
        let event = OrganizationKeyLifetimeChanged(organizationID: command.organizationID, maxKeyLifetimeDays: days)
        return CommandOutcome(events: [DomainEvent(event, subject: command.organizationID.rawValue)])
    }

    private static func validLifetime(_ days: Int) throws(Rejection) -> Int {
        let allowed = KeyLifetime.allowedMaximumDays
        guard allowed.contains(days) else {
            throw .invalid("max_key_lifetime_days", "must be from \(allowed.lowerBound) to \(allowed.upperBound) days")
        }
        return days
    }
}
