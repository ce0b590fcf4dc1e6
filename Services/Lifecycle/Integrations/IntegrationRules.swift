import Models

/// Integrations: members with `integrations.write` (Operator and above) create, update and delete
/// them. Names are unique per workspace and kind. Secret values leave the rules only as
/// ``SecretChanges`` for the handler to encrypt; events name secret fields, never their values.
enum IntegrationRules {
    static let maxFields = 50

    /// Secret values of one integration of one workspace to store (encrypted) and field names to drop.
    struct SecretChanges: Sendable, Hashable {
        var integrationID: IntegrationID
        var workspaceID: WorkspaceID
        var set: [String: String] = [:]
        var remove: [String] = []
    }

    /// A decision that also sets or drops secret values.
    struct Decision: Sendable {
        var outcome: CommandOutcome
        var secrets: SecretChanges
    }

    /// - Parameters:
    ///   - values: the secret values, as opened from the command's `sealed_secrets`.
    ///   - id: the new integration's id; `idInUse` says whether any integration or shared copy, of
    ///     any workspace, has it already: then the command is refused, nothing is written over.
    ///   - takenNames: name keys of the workspace's integrations of the same kind.
    static func create(
        _ command: CreateIntegration,
        secrets values: [String: String],
        by principal: Principal,
        id: IntegrationID,
        idInUse: Bool,
        takenNames: Set<String>
    ) throws(Rejection) -> Decision {
        let caller = try requireWriter(principal)
        guard !idInUse else {
            throw Rejection(.alreadyExists, "integration id '\(id)' is in use; send the command again with a new command id")
        }
        let vendor = try self.vendor(command.vendor)
        let name = try Validation.name(command.name, field: "name")
        guard !takenNames.contains(nameKey(name)) else {
            throw Rejection(.nameTaken, "a \(command.kind.rawValue) integration named '\(name)' already exists in this workspace", field: "name")
        }
        let parameters = try fields(command.parameters ?? [:], field: "parameters", maxValue: 4_096)
        let secrets = try fields(values, field: "sealed_secrets", maxValue: 8_192)
        try checkDisjoint(parameters: parameters, secretFields: Set(secrets.keys))
        if command.kind == .secret, secrets.isEmpty {
            throw .invalid("sealed_secrets", "a secret integration needs at least one secret field")
        }
        let snapshot = IntegrationSnapshot(
            workspaceID: caller.workspaceID,
            integrationID: id,
            kind: command.kind,
            vendor: vendor,
            name: name,
            parameters: parameters,
            secretFields: secrets.keys.sorted(),
            refreshState: command.oauth == true ? .active : nil
        )
        let outcome = CommandOutcome(
            events: [DomainEvent(IntegrationCreated(integration: snapshot), subject: caller.workspaceID.rawValue)],
            created: ["integration_id": id.rawValue]
        )
        return Decision(outcome: outcome, secrets: SecretChanges(integrationID: id, workspaceID: caller.workspaceID, set: secrets))
    }

    /// - Parameters:
    ///   - takenNames: name keys of the workspace's other integrations of the same kind.
    ///   - isSharedCopy: the id names a copy shared into the caller's workspace, which is read-only.
    static func update(
        _ command: UpdateIntegration,
        secrets values: [String: String],
        by principal: Principal,
        current: IntegrationSnapshot?,
        isSharedCopy: Bool,
        takenNames: Set<String>
    ) throws(Rejection) -> Decision {
        let caller = try requireWriter(principal)
        var integration = try existing(current, command.integrationID, in: caller, isSharedCopy: isSharedCopy)
        guard command.name != nil || command.parameters != nil || !values.isEmpty || command.removeSecrets != nil else {
            throw .invalid("integration_id", "nothing to change: give name, parameters, sealed_secrets or remove_secrets")
        }
        if let requested = command.name {
            let name = try Validation.name(requested, field: "name")
            guard !takenNames.contains(nameKey(name)) else {
                throw Rejection(
                    .nameTaken,
                    "a \(integration.kind.rawValue) integration named '\(name)' already exists in this workspace",
                    field: "name"
                )
            }
            integration.name = name
        }
        let secrets = try fields(values, field: "sealed_secrets", maxValue: 8_192)
        let removed = command.removeSecrets ?? []
        for (index, field) in removed.enumerated() {
            guard integration.secretFields.contains(field) else {
                throw .invalid("remove_secrets.\(index)", "the integration has no secret field '\(field.prefix(64))'")
            }
            guard secrets[field] == nil else { throw .invalid("remove_secrets.\(index)", "'\(field)' is both set and removed") }
        }
        let secretFields = Set(integration.secretFields).union(secrets.keys).subtracting(removed)
        if let parameters = command.parameters {
            integration.parameters = try fields(parameters, field: "parameters", maxValue: 4_096)
        }
        try checkDisjoint(parameters: integration.parameters, secretFields: secretFields)
        if integration.kind == .secret, secretFields.isEmpty {
            throw .invalid("remove_secrets", "a secret integration must keep at least one secret field")
        }
        integration.secretFields = secretFields.sorted()
        // New credentials are what reconfiguring an OAuth integration after a reactivation means.
        if integration.refreshState == .needsReconfiguration, !secrets.isEmpty {
            integration.refreshState = .active
        }
        let outcome = CommandOutcome(events: [DomainEvent(IntegrationUpdated(integration: integration), subject: caller.workspaceID.rawValue)])
        return Decision(
            outcome: outcome,
            secrets: SecretChanges(integrationID: integration.integrationID, workspaceID: caller.workspaceID, set: secrets, remove: removed)
        )
    }

    static func delete(
        _ command: DeleteIntegration,
        by principal: Principal,
        current: IntegrationSnapshot?,
        isSharedCopy: Bool
    ) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        _ = try existing(current, command.integrationID, in: caller, isSharedCopy: isSharedCopy)
        return CommandOutcome(events: [
            DomainEvent(
                IntegrationDeleted(workspaceID: caller.workspaceID, integrationID: command.integrationID),
                subject: caller.workspaceID.rawValue
            )
        ])
    }

    private static func requireWriter(_ principal: Principal) throws(Rejection) -> Caller {
        try Authorization.requireMember(principal, role: .operator, scope: .integrationsWrite, to: "managing integrations")
    }

    private static func existing(
        _ current: IntegrationSnapshot?,
        _ id: IntegrationID,
        in caller: Caller,
        isSharedCopy: Bool
    ) throws(Rejection) -> IntegrationSnapshot {
        if isSharedCopy {
            throw Rejection(
                .sharedIntegrationReadOnly,
                "integration '\(id)' is shared into this workspace and can only be changed in its source workspace; an Owner can remove it with RemoveSharedIntegration",
                field: "integration_id"
            )
        }
        guard let current, current.workspaceID == caller.workspaceID else {
            throw Rejection(.notFound, "no integration '\(id)' in this workspace", field: "integration_id")
        }
        return current
    }

    private static func vendor(_ value: String) throws(Rejection) -> String {
        let vendor = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...64).contains(vendor.count), vendor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw .invalid("vendor", "use 1 to 64 letters, digits, '-', '_' or '.'")
        }
        return vendor
    }

    /// Field names: 1 to 64 letters, digits, `_`, `-`, `.`; values up to `maxValue` characters.
    private static func fields(_ values: [String: String], field: String, maxValue: Int) throws(Rejection) -> [String: String] {
        guard values.count <= maxFields else { throw .invalid(field, "at most \(maxFields) entries") }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard (1...64).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw .invalid(field, "'\(key.prefix(64))' is not a valid field name (1 to 64 letters, digits, '-', '_', '.')")
            }
            guard value.count <= maxValue else { throw .invalid("\(field).\(key)", "is longer than \(maxValue) characters") }
        }
        return values
    }

    private static func checkDisjoint(parameters: [String: String], secretFields: Set<String>) throws(Rejection) {
        if let clash = parameters.keys.sorted().first(where: secretFields.contains) {
            throw .invalid("parameters.\(clash)", "is also a secret field; a field is either a parameter or a secret")
        }
    }
}
