import Foundation
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Organization rules")
struct OrganizationRulesTests {
    let fresh = OrganizationRules.CreationState(nameTaken: false)

    @Test func operatorCreatesOrganizationWithWorkspaceOwnerAndKey() throws {
        let outcome = try OrganizationRules.create(
            CreateOrganization(name: "  Acme  ", ownerEmail: "Ops@Acme.Example"),
            by: .operator(name: "alice"),
            state: fresh,
            context: fixedContext()
        )
        #expect(
            outcome.events.map { type(of: $0.message).messageType } == [
                OrganizationCreated.messageType, WorkspaceCreated.messageType, MemberAdded.messageType, APIKeyIssued.messageType,
            ]
        )
        let organization = try #require(outcome.events(of: OrganizationCreated.self).first)
        #expect(organization.name == "Acme")
        let workspace = try #require(outcome.events(of: WorkspaceCreated.self).first)
        #expect(workspace.name == "Acme" && workspace.organizationID == organization.organizationID && workspace.createdBy == nil)
        let member = try #require(outcome.events(of: MemberAdded.self).first)
        #expect(member.role == .owner && member.email == "ops@acme.example" && member.workspaceID == workspace.workspaceID)
        let key = try #require(outcome.events(of: APIKeyIssued.self).first)
        #expect(Set(key.scopes) == Role.owner.scopes && key.userID == member.userID && key.issuerRole == .owner)
        // The secret is returned once; the event holds only its signing keys, each sealed to its service.
        let secret = try #require(outcome.secrets?["client_secret"])
        #expect(TestKeys.areSigningKeys(key.signingKeys, of: secret, clientID: key.clientID))
        #expect(!String(decoding: JSONCoding.encode(key), as: UTF8.self).contains(secret))
        #expect(
            outcome.created == [
                "organization_id": organization.organizationID.rawValue, "workspace_id": workspace.workspaceID.rawValue,
                "user_id": member.userID.rawValue, "client_id": key.clientID.rawValue,
            ]
        )
        #expect(outcome.events(of: OrganizationCreated.self).first.map { _ in outcome.events[0].subject } == organization.organizationID.rawValue)
    }

    @Test func onlyTheOperatorCreatesOrganizations() {
        #expect(throws: Rejection(.forbidden, "only an operator can create organizations")) {
            try OrganizationRules.create(CreateOrganization(name: "Acme", ownerEmail: "a@b.co"), by: owner(), state: fresh, context: fixedContext())
        }
    }

    @Test func takenNameIsRejected() {
        #expect {
            try OrganizationRules.create(
                CreateOrganization(name: "Acme", ownerEmail: "a@b.co"),
                by: .operator(name: "alice"),
                state: .init(nameTaken: true),
                context: fixedContext()
            )
        } throws: { ($0 as! Rejection).code == .nameTaken }
    }

    @Test(arguments: [
        ("", "a@b.co", "name"), ("   ", "a@b.co", "name"), (String(repeating: "x", count: 101), "a@b.co", "name"), ("A\u{7}B", "a@b.co", "name"),
        ("Acme \u{202E}kcap", "a@b.co", "name"), ("\u{2066}Acme\u{2069}", "a@b.co", "name"),
        ("Acme", "not-an-email", "owner_email"), ("Acme", "a@b", "owner_email"), ("Acme", "a b@c.de", "owner_email"),
        ("Acme", "@c.de", "owner_email"),
        ("Acme", "a@@c.de", "owner_email"), ("Acme", "a@c..de", "owner_email"),
    ])
    func invalidInputNamesTheField(name: String, email: String, field: String) {
        #expect {
            try OrganizationRules.create(
                CreateOrganization(name: name, ownerEmail: email),
                by: .operator(name: "alice"),
                state: fresh,
                context: fixedContext()
            )
        } throws: { error in
            let rejection = error as! Rejection
            return rejection.code == .invalidArgument && rejection.field == field
        }
    }

    /// Joiners that scripts need (ZWNJ in Persian, ZWJ in emoji) are not bidirectional controls.
    @Test func namesMayHoldTheJoinersScriptsNeed() throws {
        for name in ["\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}", "Team \u{1F469}\u{200D}\u{1F4BB}"] {
            _ = try OrganizationRules.create(
                CreateOrganization(name: name, ownerEmail: "a@b.co"),
                by: .operator(name: "alice"),
                state: fresh,
                context: fixedContext()
            )
        }
    }

    @Test func featuresAreMergedIntoTheCurrentSet() throws {
        let outcome = try OrganizationRules.setFeatures(
            SetOrganizationFeatures(
                organizationID: OrganizationID(rawValue: "org_acme"),
                features: ["workspace_creation": true, "cross_workspace_sharing": false]
            ),
            by: .operator(name: "alice"),
            state: OrganizationState(enabledFeatures: [.crossWorkspaceSharing, .workspaceDeactivation])
        )
        #expect(
            outcome.events(of: OrganizationFeaturesChanged.self) == [
                OrganizationFeaturesChanged(
                    organizationID: OrganizationID(rawValue: "org_acme"),
                    enabled: [.workspaceCreation, .workspaceDeactivation]
                )
            ]
        )
    }

    @Test func featureRulesRejectEachBadForm() {
        let id = OrganizationID(rawValue: "org_acme")
        let state = OrganizationState(enabledFeatures: [])
        #expect {
            try OrganizationRules.setFeatures(.init(organizationID: id, features: ["workspace_creation": true]), by: owner(), state: state)
        } throws: { ($0 as! Rejection).code == .forbidden }
        #expect {
            try OrganizationRules.setFeatures(
                .init(organizationID: id, features: ["workspace_creation": true]),
                by: .operator(name: "alice"),
                state: nil
            )
        } throws: { ($0 as! Rejection).code == .notFound }
        #expect {
            try OrganizationRules.setFeatures(.init(organizationID: id, features: ["teleport": true]), by: .operator(name: "alice"), state: state)
        } throws: {
            ($0 as! Rejection).field == "features.teleport"
        }
        #expect { try OrganizationRules.setFeatures(.init(organizationID: id, features: [:]), by: .operator(name: "alice"), state: state) } throws: {
            ($0 as! Rejection).field == "features"
        }
        #expect {
            try OrganizationRules.setFeatures(
                .init(organizationID: OrganizationID(rawValue: "ws_x"), features: ["workspace_creation": true]),
                by: .operator(name: "alice"),
                state: state
            )
        } throws: { ($0 as! Rejection).field == "organization_id" }
    }

    @Test func anOrganizationHasAMaximumKeyLifetimeDefaultOrChosen() throws {
        func lifetime(_ days: Int?) throws -> Int? {
            let command = CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example", maxKeyLifetimeDays: days)
            let outcome = try OrganizationRules.create(command, by: .operator(name: "alice"), state: fresh, context: fixedContext())
            return outcome.events(of: OrganizationCreated.self).first?.maxKeyLifetimeDays
        }
        #expect(try lifetime(nil) == KeyLifetime.defaultMaximumDays && KeyLifetime.defaultMaximumDays == 365)
        #expect(try lifetime(30) == 30)
        // The first Owner key lives the organization's maximum.
        let outcome = try OrganizationRules.create(
            CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example", maxKeyLifetimeDays: 30),
            by: .operator(name: "alice"),
            state: fresh,
            context: fixedContext()
        )
        #expect(outcome.events(of: APIKeyIssued.self).first?.expiresAt == fixedContext().now + 30 * 86_400)
        for days in [0, -1, 3_651] {
            #expect { try lifetime(days) } throws: { ($0 as! Rejection).field == "max_key_lifetime_days" }
        }
    }

    @Test func theOperatorSetsTheMaximumKeyLifetime() throws {
        let id = OrganizationID(rawValue: "org_acme")
        let state = OrganizationState(enabledFeatures: [])
        let outcome = try OrganizationRules.setKeyLifetime(
            .init(organizationID: id, maxKeyLifetimeDays: 90),
            by: .operator(name: "alice"),
            state: state
        )
        #expect(
            outcome.events(of: OrganizationKeyLifetimeChanged.self) == [OrganizationKeyLifetimeChanged(organizationID: id, maxKeyLifetimeDays: 90)]
        )
        #expect { try OrganizationRules.setKeyLifetime(.init(organizationID: id, maxKeyLifetimeDays: 90), by: owner(), state: state) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
        #expect {
            try OrganizationRules.setKeyLifetime(.init(organizationID: id, maxKeyLifetimeDays: 90), by: .operator(name: "alice"), state: nil)
        } throws: {
            ($0 as! Rejection).code == .notFound
        }
        #expect {
            try OrganizationRules.setKeyLifetime(.init(organizationID: id, maxKeyLifetimeDays: 0), by: .operator(name: "alice"), state: state)
        } throws: {
            ($0 as! Rejection).field == "max_key_lifetime_days"
        }
    }
}
