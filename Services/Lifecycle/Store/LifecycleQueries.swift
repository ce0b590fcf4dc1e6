import GRDB
import Models

/// The reads the rules need, each returning the small state value a rule takes.
enum LifecycleQueries {
    static func organization(_ id: OrganizationID, db: Database) throws -> OrganizationState? {
        guard try OrganizationRecord.exists(db, key: id.rawValue) else { return nil }
        let features = try String.fetchAll(db, sql: "SELECT feature FROM organization_feature WHERE organization_id = ?", arguments: [id.rawValue])
        return OrganizationState(enabledFeatures: Set(features.compactMap(Feature.init(rawValue:))))
    }

    static func organizationCreation(name: String, ownerEmail: String, db: Database) throws -> OrganizationRules.CreationState {
        let taken = try OrganizationRecord.filter(OrganizationRecord.CodingKeys.nameKey == nameKey(name)).fetchCount(db) > 0
        let owner = try String.fetchOne(db, sql: "SELECT id FROM user WHERE email = ? COLLATE NOCASE", arguments: [ownerEmail.trimmingCharacters(in: .whitespaces)])
        return OrganizationRules.CreationState(nameTaken: taken, existingOwner: owner.map(UserID.init(rawValue:)))
    }

    static func workspaceCreation(for caller: Caller, db: Database) throws -> WorkspaceRules.CreationState {
        let organization = try organization(caller.organizationID, db: db) ?? OrganizationState(enabledFeatures: [])
        let names = try String.fetchAll(db, sql: "SELECT name_key FROM workspace WHERE organization_id = ?", arguments: [caller.organizationID.rawValue])
        let email = try String.fetchOne(db, sql: "SELECT email FROM user WHERE id = ?", arguments: [caller.userID.rawValue]) ?? ""
        return WorkspaceRules.CreationState(organization: organization, takenNames: Set(names), callerEmail: email)
    }

    /// A key of the caller's workspace; nil for keys of other workspaces, which callers cannot see.
    static func key(_ clientID: ClientID, visibleTo principal: Principal, db: Database) throws -> KeyRules.KeyState? {
        guard case .member(let caller) = principal, clientID.isWellFormed,
              let record = try APIKeyRecord.fetchOne(db, key: clientID.rawValue), record.workspaceID == caller.workspaceID
        else { return nil }
        return KeyRules.KeyState(userID: record.userID, revoked: record.revokedAt != nil)
    }
}
