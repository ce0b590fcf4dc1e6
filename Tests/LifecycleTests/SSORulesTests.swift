import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

/// A self-signed P-256 certificate made with openssl for these tests; its SHA-256 below is
/// `openssl x509 -outform der | sha256sum`, computed independently of the code under test.
let idpCertificate = """
    -----BEGIN CERTIFICATE-----
    MIIBizCCATGgAwIBAgIUD8kMoAUSgVTO37vrTYd45v5jX5AwCgYIKoZIzj0EAwIw
    GzEZMBcGA1UEAwwQaWRwLnRlc3QuZXhhbXBsZTAeFw0yNjExMjMxMDE0NTVaFw0z
    NjExMjAxMDE0NTVaMBsxGTAXBgNVBAMMEGlkcC50ZXN0LmV4YW1wbGUwWTATBgcq
    hkjOPQIBBggqhkjOPQMBBwNCAAQIGUp6u2F5HYoDL3/rj5eu84OMhYEccn8IpcDk
    JpaCbOvNfDegkUQ6+Wo8TjcwFtsafMstZO1SaRyIXjaY3LXyo1MwUTAdBgNVHQ4E
    FgQU3q9LUhU3QSbVIsgkCYcYkVXL8sgwHwYDVR0jBBgwFoAU3q9LUhU3QSbVIsgk
    CYcYkVXL8sgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAqRGn
    p3aEl/N3AGTcVQTIZC+0wgNLlRUlOl5dKoD5Z3YCICKVBweJjvOqNmg/ON5mwffV
    S31fnLu8IksDg8a1dzeD
    -----END CERTIFICATE-----
    """
let idpCertificateSHA256 = "5af2dfe56d5ad3c9e0ed7df140554a5da1206a2dbd1c8d7b10ea641c0c4e8461"

@Suite("SSO rules")
struct SSORulesTests {
    let configure = ConfigureSSO(entityID: "https://idp.example/entity", ssoURL: "https://idp.example/sso", certificate: idpCertificate)

    @Test func adminConfiguresValidatedSettings() throws {
        let oneLine = idpCertificate.replacingOccurrences(of: "\n", with: "").replacingOccurrences(
            of: "-----BEGIN CERTIFICATE-----",
            with: "-----BEGIN CERTIFICATE-----\n"
        )
        let outcome = try SSORules.configure(
            ConfigureSSO(entityID: " urn:idp ", ssoURL: "https://idp.example/sso", certificate: oneLine),
            by: owner(role: .admin)
        )
        let event = try #require(outcome.events.first?.message as? SSOConfigured)
        #expect(event.entityID == "urn:idp" && event.certificateSHA256 == idpCertificateSHA256 && event.copiedFrom == nil)
        #expect(event.certificate == idpCertificate, "re-armoured with 64-character lines")
    }

    @Test(arguments: [
        ("entity_id", ConfigureSSO(entityID: "", ssoURL: "https://idp.example/sso", certificate: idpCertificate)),
        ("sso_url", ConfigureSSO(entityID: "e", ssoURL: "http://idp.example/sso", certificate: idpCertificate)),
        ("sso_url", ConfigureSSO(entityID: "e", ssoURL: "not a url", certificate: idpCertificate)),
        ("certificate", ConfigureSSO(entityID: "e", ssoURL: "https://idp.example/sso", certificate: "hello")),
        (
            "certificate",
            ConfigureSSO(
                entityID: "e",
                ssoURL: "https://idp.example/sso",
                certificate: "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----"
            )
        ),
        (
            "certificate",
            ConfigureSSO(
                entityID: "e",
                ssoURL: "https://idp.example/sso",
                certificate: String(idpCertificate.prefix(200)) + "\n-----END CERTIFICATE-----"
            )
        ),
    ])
    func invalidSettingsNameTheField(field: String, command: ConfigureSSO) {
        #expect { try SSORules.configure(command, by: owner()) } throws: { ($0 as! Rejection).field == field }
    }

    @Test func operatorsAndViewersCannotConfigure() {
        #expect { try SSORules.configure(configure, by: owner(role: .operator)) } throws: { ($0 as! Rejection).code == .forbidden }
        #expect { try SSORules.configure(configure, by: .operator(name: "alice")) } throws: { ($0 as! Rejection).code == .forbidden }
    }

    @Test func copyNeedsOwnershipOfASourceInTheSameOrganization() throws {
        let settings = SSORules.Settings(entityID: "e", ssoURL: "https://i/s", certificate: idpCertificate, certificateSHA256: idpCertificateSHA256)
        let source = WorkspaceID(rawValue: "ws_source")
        let command = CopySSOConfig(sourceWorkspaceID: source)
        let org = OrganizationID(rawValue: "org_acme")
        let outcome = try SSORules.copy(command, by: owner(), source: .init(organizationID: org, callerRole: .owner, settings: settings))
        #expect((outcome.events.first?.message as? SSOConfigured)?.copiedFrom == source)
        #expect { try SSORules.copy(command, by: owner(), source: .init(organizationID: org, callerRole: .admin, settings: settings)) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
        #expect {
            try SSORules.copy(
                command,
                by: owner(),
                source: .init(organizationID: OrganizationID(rawValue: "org_other"), callerRole: .owner, settings: settings)
            )
        } throws: { ($0 as! Rejection).code == .notFound }
        #expect { try SSORules.copy(command, by: owner(), source: .init(organizationID: org, callerRole: .owner, settings: nil)) } throws: {
            ($0 as! Rejection).code == .notFound
        }
        #expect { try SSORules.copy(CopySSOConfig(sourceWorkspaceID: WorkspaceID(rawValue: "ws_home")), by: owner(), source: nil) } throws: {
            ($0 as! Rejection).field == "source_workspace_id"
        }
    }

    @Test func claimMappingsAreUniqueAndNoAboveOwnRole() throws {
        let outcome = try SSORules.createMapping(
            CreateClaimMapping(claim: "groups", value: "sec-team", role: .operator),
            by: owner(),
            existing: [],
            context: fixedContext()
        )
        let created = try #require(outcome.events.first?.message as? ClaimMappingCreated)
        #expect(created.claim == "groups" && created.value == "sec-team" && outcome.created["mapping_id"] == created.mappingID.rawValue)
        #expect {
            try SSORules.createMapping(
                CreateClaimMapping(claim: "groups", value: "sec-team", role: .viewer),
                by: owner(),
                existing: [.init(claim: "groups", value: "sec-team", role: .operator)],
                context: fixedContext()
            )
        } throws: { ($0 as! Rejection).code == .alreadyExists }
        #expect {
            try SSORules.createMapping(
                CreateClaimMapping(claim: "groups", value: "x", role: .owner),
                by: owner(role: .admin),
                existing: [],
                context: fixedContext()
            )
        } throws: { ($0 as! Rejection).field == "role" }
        #expect {
            try SSORules.createMapping(CreateClaimMapping(claim: " ", value: "x", role: .viewer), by: owner(), existing: [], context: fixedContext())
        } throws: { ($0 as! Rejection).field == "claim" }
        #expect { try SSORules.deleteMapping(DeleteClaimMapping(mappingID: ClaimMappingID(rawValue: "cm_x")), by: owner(), exists: false) } throws: {
            ($0 as! Rejection).code == .notFound
        }
    }

    @Test func newWorkspaceCopiesSettingsAndMappingsWhenAsked() throws {
        let state = WorkspaceRules.CreationState(
            organization: OrganizationState(enabledFeatures: [.workspaceCreation]),
            takenNames: [],
            callerEmail: "o@acme.example",
            callerSSO: SSORules.Settings(entityID: "e", ssoURL: "https://i/s", certificate: idpCertificate, certificateSHA256: idpCertificateSHA256),
            callerClaimMappings: [.init(claim: "groups", value: "a", role: .admin), .init(claim: "groups", value: "b", role: .viewer)]
        )
        let outcome = try WorkspaceRules.create(
            CreateWorkspace(name: "Copy", copySSOConfig: true),
            by: owner(),
            state: state,
            context: fixedContext()
        )
        let workspace = try #require(outcome.events(of: WorkspaceCreated.self).first?.workspaceID)
        #expect(outcome.events(of: SSOConfigured.self).map(\.workspaceID) == [workspace])
        #expect(outcome.events(of: SSOConfigured.self).first?.copiedFrom == WorkspaceID(rawValue: "ws_home"))
        let mappings = outcome.events(of: ClaimMappingCreated.self)
        #expect(
            mappings.map(\.value) == ["a", "b"] && Set(mappings.map(\.mappingID)).count == 2 && mappings.allSatisfy { $0.workspaceID == workspace }
        )
        // Without the flag nothing is copied; with it but nothing to copy, it is refused.
        #expect(
            try WorkspaceRules.create(CreateWorkspace(name: "Plain"), by: owner(), state: state, context: fixedContext()).events(
                of: SSOConfigured.self
            ).isEmpty
        )
        var bare = state
        bare.callerSSO = nil
        bare.callerClaimMappings = []
        #expect { try WorkspaceRules.create(CreateWorkspace(copySSOConfig: true), by: owner(), state: bare, context: fixedContext()) } throws: {
            ($0 as! Rejection).field == "copy_sso_config"
        }
    }
}
