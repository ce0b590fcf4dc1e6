import Foundation
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Workspace rules")
struct WorkspaceRulesTests {
    let enabled = WorkspaceRules.CreationState(
        organization: OrganizationState(enabledFeatures: [.workspaceCreation]),
        takenNames: ["acme"],
        callerEmail: "owner@acme.example"
    )

    @Test func ownerCreatesWorkspaceBecomesOwnerAndGetsAKey() throws {
        let outcome = try WorkspaceRules.create(CreateWorkspace(name: "Staging"), by: owner(), state: enabled, context: fixedContext())
        let workspace = try #require(outcome.events(of: WorkspaceCreated.self).first)
        #expect(
            workspace
                == WorkspaceCreated(
                    workspaceID: workspace.workspaceID,
                    organizationID: OrganizationID(rawValue: "org_acme"),
                    name: "Staging",
                    createdBy: UserID(rawValue: "usr_owner")
                )
        )
        #expect(
            outcome.events(of: MemberAdded.self) == [
                MemberAdded(workspaceID: workspace.workspaceID, userID: UserID(rawValue: "usr_owner"), email: "owner@acme.example", role: .owner)
            ]
        )
        let key = try #require(outcome.events(of: APIKeyIssued.self).first)
        #expect(
            key.workspaceID == workspace.workspaceID
                && TestKeys.areSigningKeys(key.signingKeys, of: outcome.secrets!["client_secret"]!, clientID: key.clientID)
        )
        #expect(outcome.created == ["workspace_id": workspace.workspaceID.rawValue, "client_id": key.clientID.rawValue])
        #expect(outcome.events.allSatisfy { $0.subject == workspace.workspaceID.rawValue })
    }

    /// A command id is its sender's and anyone may send it again, so nothing is derived from it.
    @Test func everyDecisionMakesNewIDsEvenForTheSameCommandID() throws {
        let first = try WorkspaceRules.create(CreateWorkspace(name: "S"), by: owner(), state: enabled, context: .live(commandID: "c-7", now: Date()))
        let again = try WorkspaceRules.create(CreateWorkspace(name: "S"), by: owner(), state: enabled, context: .live(commandID: "c-7", now: Date()))
        #expect(first.created["workspace_id"] != again.created["workspace_id"] && first.created["client_id"] != again.created["client_id"])
        for outcome in [first, again] {
            #expect(WorkspaceID(rawValue: try #require(outcome.created["workspace_id"])).isWellFormed)
            #expect(ClientID(rawValue: try #require(outcome.created["client_id"])).isWellFormed)
        }
        #expect(first.secrets != again.secrets, "secrets are random")
    }

    @Test func nameIsUniqueInTheOrganizationIgnoringCase() {
        #expect {
            try WorkspaceRules.create(CreateWorkspace(name: " ACME "), by: owner(), state: enabled, context: fixedContext())
        } throws: { ($0 as! Rejection) == Rejection(.nameTaken, "a workspace named 'ACME' already exists in this organization", field: "name") }
    }

    @Test func defaultNameIsTheLowestFreeNumber() {
        #expect(WorkspaceRules.defaultName(avoiding: []) == "Workspace 1")
        #expect(WorkspaceRules.defaultName(avoiding: ["workspace 1", "workspace 3"]) == "Workspace 2")
        #expect(WorkspaceRules.defaultName(avoiding: ["workspace 1", "workspace 2"]) == "Workspace 3")
    }

    @Test func featureMustBeEnabled() {
        var state = enabled
        state.organization.enabledFeatures = [.crossWorkspaceSharing]
        #expect { try WorkspaceRules.create(CreateWorkspace(), by: owner(), state: state, context: fixedContext()) } throws: {
            ($0 as! Rejection).code == .featureDisabled
        }
    }

    @Test(arguments: [Role.admin, .operator, .viewer])
    func onlyOwnersCreateWorkspaces(role: Role) {
        #expect { try WorkspaceRules.create(CreateWorkspace(), by: owner(role: role), state: enabled, context: fixedContext()) } throws: {
            ($0 as! Rejection).code == .forbidden && ($0 as! Rejection).message.contains("owner role")
        }
    }

    @Test func keyWithoutOrganizationsWriteIsForbidden() {
        #expect {
            try WorkspaceRules.create(
                CreateWorkspace(),
                by: owner(scopes: [.workspaceRead, .resourceShare]),
                state: enabled,
                context: fixedContext()
            )
        } throws: { ($0 as! Rejection).code == .forbidden && ($0 as! Rejection).message.contains("organizations.write") }
    }

    @Test func operatorCannotCreateWorkspaces() {
        #expect { try WorkspaceRules.create(CreateWorkspace(), by: .operator(name: "alice"), state: enabled, context: fixedContext()) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
    }

    @Test func aNarrowKeyCreatesAWorkspaceAndGetsANarrowKey() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let narrow = owner(scopes: [.organizationsWrite, .workspaceRead], keyExpiresAt: now + 86_400)
        let outcome = try WorkspaceRules.create(CreateWorkspace(name: "Lab"), by: narrow, state: enabled, context: fixedContext(now: now))
        let key = try #require(outcome.events(of: APIKeyIssued.self).first)
        #expect(key.scopes == [.organizationsWrite, .workspaceRead] && key.expiresAt == now + 86_400)
        #expect(key.issuedBy == ClientID(rawValue: "key_owner") && key.issuerRole == .owner)
        // A full key without an expiry gets every Owner scope, for the organization's maximum lifetime.
        var brief = enabled
        brief.organization.maxKeyLifetimeDays = 30
        let full = try WorkspaceRules.create(CreateWorkspace(name: "Lab"), by: owner(), state: brief, context: fixedContext(now: now))
        let fullKey = try #require(full.events(of: APIKeyIssued.self).first)
        #expect(Set(fullKey.scopes) == Role.owner.scopes && fullKey.expiresAt == now + 30 * 86_400)
    }
}
