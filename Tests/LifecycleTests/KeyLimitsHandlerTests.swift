import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Lifecycle

/// The limits on what a key issues, through the handler over SQLite: the organization's maximum key
/// lifetime as stored and shown, and the caps that the authenticated key's own expiry and scopes put
/// on the keys it issues.
extension LifecycleHandlerTests {
    @Test func theOrganizationsMaximumKeyLifetimeIsStoredAndShown() throws {
        let (organization, _) = try bootstrap()
        let id = OrganizationID(rawValue: organization)
        #expect(try store.writer.read { try OrganizationReads.organization(id, db: $0)?.maxKeyLifetimeDays } == 365)
        _ = try run(SetOrganizationKeyLifetime(organizationID: id, maxKeyLifetimeDays: 30), as: .operator(token: "op-token"))
        #expect(try store.writer.read { try OrganizationReads.organization(id, db: $0)?.maxKeyLifetimeDays } == 30)
        let other = try run(
            CreateOrganization(name: "Brief", ownerEmail: "b@brief.example", maxKeyLifetimeDays: 7),
            as: .operator(token: "op-token")
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
            as: .operator(token: "op-token")
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
        let created = try run(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), as: .operator(token: "op-token"))
        let first = try stored(created)
        #expect(first.expiresAt == now + 365 * 86_400 && first.issuedBy == nil)
        _ = try run(
            SetOrganizationKeyLifetime(organizationID: OrganizationID(rawValue: created.created["organization_id"]!), maxKeyLifetimeDays: 7),
            as: .operator(token: "op-token")
        )
        let owner = IssueOwnerKey(workspaceID: first.workspaceID, userID: first.userID)
        #expect(try stored(try run(owner, as: .operator(token: "op-token"))).expiresAt == now + 7 * 86_400)
        // Keys already issued keep their expiry.
        #expect(try stored(created).expiresAt == now + 365 * 86_400)
    }
}
