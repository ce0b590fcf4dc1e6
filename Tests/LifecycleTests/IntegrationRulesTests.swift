import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Integration rules")
struct IntegrationRulesTests {
    let create = CreateIntegration(
        kind: .step,
        vendor: "Slack",
        name: "Alerts",
        parameters: ["channel": "#sec"],
        oauth: true
    )
    /// The secret values `create` carries, as Lifecycle opens them from its `sealed_secrets`.
    let createSecrets = ["token": "xoxb-very-secret"]

    func snapshot(kind: IntegrationKind = .step, secrets: [String] = ["token"], workspace: String = "ws_home") -> IntegrationSnapshot {
        IntegrationSnapshot(
            workspaceID: WorkspaceID(rawValue: workspace),
            integrationID: IntegrationID(rawValue: "int_1"),
            kind: kind,
            vendor: "slack",
            name: "Alerts",
            parameters: ["channel": "#sec"],
            secretFields: secrets,
            refreshState: nil
        )
    }

    @Test func createdIntegrationNamesSecretFieldsButNeverTheirValues() throws {
        let decision = try IntegrationRules.create(
            create,
            secrets: createSecrets,
            by: owner(role: .operator),
            id: IntegrationID(rawValue: "int_new"),
            idInUse: false,
            takenNames: []
        )
        let event = try #require(decision.outcome.events.first?.message as? IntegrationCreated)
        #expect(event.integration.vendor == "slack" && event.integration.secretFields == ["token"] && event.integration.refreshState == .active)
        #expect(!String(decoding: JSONCoding.encode(event), as: UTF8.self).contains("xoxb-very-secret"))
        #expect(event.integration.integrationID.rawValue == "int_new" && event.integration.workspaceID == owner(role: .operator).workspaceID)
        #expect(
            decision.secrets
                == .init(
                    integrationID: event.integration.integrationID,
                    workspaceID: event.integration.workspaceID,
                    set: ["token": "xoxb-very-secret"]
                )
        )
        #expect(decision.outcome.secrets == nil, "secret values are never in the result")
    }

    @Test func createRulesRejectEachBadCase() {
        func rejects(
            _ command: CreateIntegration,
            secrets: [String: String] = [:],
            by principal: Principal = owner(),
            idInUse: Bool = false,
            taken: Set<String> = [],
            _ check: (Rejection) -> Bool
        ) {
            #expect {
                try IntegrationRules.create(
                    command,
                    secrets: secrets,
                    by: principal,
                    id: IntegrationID(rawValue: "int_new"),
                    idInUse: idInUse,
                    takenNames: taken
                )
            } throws: { check($0 as! Rejection) }
        }
        rejects(create, idInUse: true) { $0.code == .alreadyExists }
        rejects(create, taken: ["alerts"]) { $0.code == .nameTaken }
        rejects(create, by: owner(role: .viewer)) { $0.code == .forbidden }
        rejects(CreateIntegration(kind: .secret, vendor: "vault", name: "S", parameters: ["a": "b"])) { $0.field == "sealed_secrets" }
        rejects(CreateIntegration(kind: .step, vendor: "sl ack", name: "A")) { $0.field == "vendor" }
        rejects(CreateIntegration(kind: .step, vendor: "slack", name: "A", parameters: ["bad key": "x"])) { $0.field == "parameters" }
        rejects(CreateIntegration(kind: .step, vendor: "slack", name: "A", parameters: ["token": "x"]), secrets: ["token": "y"]) {
            $0.field == "parameters.token" && !$0.message.contains("y")
        }
        rejects(CreateIntegration(kind: .step, vendor: "slack", name: "A"), secrets: ["token": String(repeating: "s", count: 9_000)]) {
            $0.field == "sealed_secrets.token" && !$0.message.contains("sss")
        }
    }

    @Test func updateMergesSecretFieldsAndReplacesParameters() throws {
        let command = UpdateIntegration(
            integrationID: IntegrationID(rawValue: "int_1"),
            name: "Pager",
            parameters: ["service": "p1"],
            removeSecrets: ["token"]
        )
        let decision = try IntegrationRules.update(
            command,
            secrets: ["key": "k"],
            by: owner(),
            current: snapshot(),
            isSharedCopy: false,
            takenNames: []
        )
        let event = try #require(decision.outcome.events.first?.message as? IntegrationUpdated)
        #expect(event.integration.name == "Pager" && event.integration.parameters == ["service": "p1"] && event.integration.secretFields == ["key"])
        #expect(
            decision.secrets
                == .init(
                    integrationID: IntegrationID(rawValue: "int_1"),
                    workspaceID: WorkspaceID(rawValue: "ws_home"),
                    set: ["key": "k"],
                    remove: ["token"]
                )
        )
    }

    @Test func updateRulesRejectEachBadCase() {
        let id = IntegrationID(rawValue: "int_1")
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id),
                secrets: [:],
                by: owner(),
                current: snapshot(),
                isSharedCopy: false,
                takenNames: []
            )
        } throws: { ($0 as! Rejection).field == "integration_id" }
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id, name: "X"),
                secrets: [:],
                by: owner(),
                current: snapshot(workspace: "ws_other"),
                isSharedCopy: false,
                takenNames: []
            )
        } throws: { ($0 as! Rejection).code == .notFound }
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id, name: "Taken"),
                secrets: [:],
                by: owner(),
                current: snapshot(),
                isSharedCopy: false,
                takenNames: ["taken"]
            )
        } throws: { ($0 as! Rejection).code == .nameTaken }
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id, removeSecrets: ["nope"]),
                secrets: [:],
                by: owner(),
                current: snapshot(),
                isSharedCopy: false,
                takenNames: []
            )
        } throws: { ($0 as! Rejection).field == "remove_secrets.0" }
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id, removeSecrets: ["token"]),
                secrets: [:],
                by: owner(),
                current: snapshot(kind: .secret),
                isSharedCopy: false,
                takenNames: []
            )
        } throws: { ($0 as! Rejection).field == "remove_secrets" }
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id, parameters: ["token": "x"]),
                secrets: [:],
                by: owner(),
                current: snapshot(),
                isSharedCopy: false,
                takenNames: []
            )
        } throws: { ($0 as! Rejection).field == "parameters.token" }
    }

    @Test func newSecretsReconfigureAnOAuthIntegration() throws {
        var current = snapshot()
        current.refreshState = .needsReconfiguration
        let renamed = try IntegrationRules.update(
            UpdateIntegration(integrationID: current.integrationID, name: "Renamed"),
            secrets: [:],
            by: owner(),
            current: current,
            isSharedCopy: false,
            takenNames: []
        )
        #expect((renamed.outcome.events.first?.message as? IntegrationUpdated)?.integration.refreshState == .needsReconfiguration)
        let rekeyed = try IntegrationRules.update(
            UpdateIntegration(integrationID: current.integrationID),
            secrets: ["token": "new"],
            by: owner(),
            current: current,
            isSharedCopy: false,
            takenNames: []
        )
        #expect((rekeyed.outcome.events.first?.message as? IntegrationUpdated)?.integration.refreshState == .active)
    }

    @Test func sharedCopiesAreReadOnlyEvenForOwners() {
        let id = IntegrationID(rawValue: "int_copy")
        #expect {
            try IntegrationRules.update(
                UpdateIntegration(integrationID: id, name: "Mine now"),
                secrets: [:],
                by: owner(),
                current: nil,
                isSharedCopy: true,
                takenNames: []
            )
        } throws: {
            ($0 as! Rejection).code == .sharedIntegrationReadOnly
        }
        #expect { try IntegrationRules.delete(DeleteIntegration(integrationID: id), by: owner(), current: nil, isSharedCopy: true) } throws: {
            ($0 as! Rejection).code == .sharedIntegrationReadOnly
        }
        // A viewer is refused for lacking the role before the copy is even considered.
        #expect {
            try IntegrationRules.delete(DeleteIntegration(integrationID: id), by: owner(role: .viewer), current: nil, isSharedCopy: true)
        } throws: {
            ($0 as! Rejection).code == .forbidden
        }
    }

    @Test func secretBoxBindsEachValueToItsPlace() throws {
        let box = try SecretBox(base64Key: testSecretsKey)
        let id = IntegrationID(rawValue: "int_1")
        let sealed = try box.seal("xoxb-very-secret", integration: id, field: "token")
        #expect(try box.open(sealed, integration: id, field: "token") == "xoxb-very-secret")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("xoxb"))
        #expect(throws: (any Error).self) { try box.open(sealed, integration: id, field: "other") }
        #expect(throws: (any Error).self) { try box.open(sealed, integration: IntegrationID(rawValue: "int_2"), field: "token") }
        #expect(throws: (any Error).self) { try SecretBox(base64Key: "too-short") }
    }
}
