import Foundation
import GRDB
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

/// The limits on what a key issues, through the handler over SQLite: the organization's maximum key
/// lifetime as stored and shown, the caps that the authenticated key's own expiry and scopes put on
/// the keys it issues, and revocation down the chain of keys a key issued.
extension LifecycleHandlerTests {
    @Test func theOrganizationsMaximumKeyLifetimeIsStoredAndShown() throws {
        let (organization, _) = try bootstrap()
        let id = OrganizationID(rawValue: organization)
        #expect(try store.writer.read { try OrganizationReads.organization(id, db: $0)?.maxKeyLifetimeDays } == 365)
        _ = try run(SetOrganizationKeyLifetime(organizationID: id, maxKeyLifetimeDays: 30), as: TestKeys.operatorCredential)
        #expect(try store.writer.read { try OrganizationReads.organization(id, db: $0)?.maxKeyLifetimeDays } == 30)
        let other = try run(
            CreateOrganization(name: "Brief", ownerEmail: "b@brief.example", maxKeyLifetimeDays: 7),
            as: TestKeys.operatorCredential
        )
        let otherID = OrganizationID(rawValue: other.created["organization_id"]!)
        #expect(try store.writer.read { try OrganizationReads.organization(otherID, db: $0)?.maxKeyLifetimeDays } == 7)
    }

    /// A key whose client id and secret are in `result`.
    func credential(_ result: CommandOutcome) -> Credential {
        .apiKey(clientID: ClientID(rawValue: result.created["client_id"]!), secret: result.secrets!["client_secret"]!)
    }

    func stored(_ result: CommandOutcome) throws -> APIKeyRecord {
        try #require(try store.writer.read { try APIKeyRecord.fetchOne($0, key: result.created["client_id"]!) })
    }

    @Test func aOneDayKeyMintsNothingLongerOrBroaderAndCreatesWorkspacesWithANarrowKey() throws {
        let (organization, ownerKey) = try bootstrap()
        _ = try run(
            SetOrganizationFeatures(organizationID: OrganizationID(rawValue: organization), features: ["workspace_creation": true]),
            as: TestKeys.operatorCredential
        )
        let day: TimeInterval = 86_400
        let oneDay = try run(IssueAPIKey(scopes: [.organizationsWrite, .workspaceRead], expiresAt: now + day), as: ownerKey)
        let oneDayKey = credential(oneDay)
        #expect { try run(IssueAPIKey(expiresAt: now + 2 * day), as: oneDayKey) } throws: { ($0 as! Rejection).code == .forbidden }
        #expect { try run(IssueAPIKey(scopes: [.usersInvite]), as: oneDayKey) } throws: { ($0 as! Rejection).code == .forbidden }
        let child = try stored(try run(IssueAPIKey(), as: oneDayKey))
        #expect(child.expiresAt == now + day && child.scopeSet == [.organizationsWrite, .workspaceRead])
        #expect(child.issuedBy?.rawValue == oneDay.created["client_id"])

        let workspace = try run(CreateWorkspace(name: "Lab"), as: oneDayKey)
        let workspaceKey = try stored(workspace)
        #expect(workspaceKey.scopeSet == [.organizationsWrite, .workspaceRead] && workspaceKey.expiresAt == now + day)
        #expect(
            workspaceKey.workspaceID.rawValue == workspace.created["workspace_id"] && workspaceKey.issuedBy?.rawValue == oneDay.created["client_id"]
        )
        // Owner of the new workspace, but its key cannot mint a broader one there either.
        #expect { try run(IssueAPIKey(scopes: [.usersInvite]), as: credential(workspace)) } throws: {
            ($0 as! Rejection).code == .forbidden && ($0 as! Rejection).message.contains("users.invite")
        }
    }

    @Test func theFirstKeyAndTheOperatorsOwnerKeysLiveTheOrganizationsMaximum() throws {
        let created = try run(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), as: TestKeys.operatorCredential)
        let first = try stored(created)
        #expect(first.expiresAt == now + 365 * 86_400 && first.issuedBy == nil)
        _ = try run(
            SetOrganizationKeyLifetime(organizationID: OrganizationID(rawValue: created.created["organization_id"]!), maxKeyLifetimeDays: 7),
            as: TestKeys.operatorCredential
        )
        let owner = IssueOwnerKey(workspaceID: first.workspaceID, userID: first.userID)
        #expect(try stored(try run(owner, as: TestKeys.operatorCredential)).expiresAt == now + 7 * 86_400)
        // Keys already issued keep their expiry.
        #expect(try stored(created).expiresAt == now + 365 * 86_400)
    }

    @Test func revokingAKeyRevokesEveryKeyDownItsChainInAnyWorkspace() throws {
        let (organization, ownerKey) = try bootstrap()
        _ = try run(
            SetOrganizationFeatures(organizationID: OrganizationID(rawValue: organization), features: ["workspace_creation": true]),
            as: TestKeys.operatorCredential
        )
        let parent = try run(IssueAPIKey(), as: ownerKey)
        let child = try run(IssueAPIKey(), as: credential(parent))
        let grandchild = try run(IssueAPIKey(), as: credential(child))
        let lab = try run(CreateWorkspace(name: "Lab"), as: credential(parent))
        let sibling = try run(IssueAPIKey(), as: ownerKey)
        // A key revoked without its own keys (as a removed member's are) does not stop the walk.
        try store.writer.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE client_id = ?", arguments: [now, child.created["client_id"]!])
        }

        let revoked = try run(RevokeAPIKey(clientID: ClientID(rawValue: parent.created["client_id"]!)), as: ownerKey)
        #expect(
            Set(revoked.events(of: APIKeyRevoked.self).map(\.clientID.rawValue))
                == [parent.created["client_id"]!, grandchild.created["client_id"]!, lab.created["client_id"]!]
        )
        for key in [parent, child, grandchild, lab] {
            #expect(try stored(key).revokedAt != nil)
            #expect { try run(IssueAPIKey(), as: credential(key)) } throws: { ($0 as! Rejection).message.contains("revoked") }
        }
        // The issuer's own key and keys it did not issue keep working.
        for key in [ownerKey, credential(sibling)] {
            #expect(try run(IssueAPIKey(scopes: [.workspaceRead]), as: key).created["client_id"] != nil)
        }
    }
}
