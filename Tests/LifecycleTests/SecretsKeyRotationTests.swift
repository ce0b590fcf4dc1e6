import Crypto
import Foundation
import GRDB
import Models
import Sealing
import TestSupport
import Testing

@testable import Lifecycle

/// A second secrets key, 32 bytes of 0x63.
private let newSecretsKey = Data(repeating: 99, count: 32).base64EncodedString()
/// The secrets key file after a rotation: the new key first, the previous one after it.
private let rotatedKeys = "\(newSecretsKey)\n# the previous key, until Lifecycle has started once with both\n\(testSecretsKey)\n"

/// What a box looked like before boxes named their key: AES-GCM's combined box alone.
private func sealedWithoutKeyID(_ value: String, integration: IntegrationID, field: String, base64Key: String) throws -> Data {
    try AES.GCM.seal(
        Data(value.utf8),
        using: SymmetricKey(data: Data(base64Encoded: base64Key)!),
        authenticating: Data("\(integration.rawValue)\u{0}\(field)".utf8)
    ).combined!
}

@Suite("Secrets key rotation")
struct SecretsKeyRotationTests {
    let integration = IntegrationID(rawValue: "int_1")

    @Test func aValueSealedWithThePreviousKeyOpensAfterARotationAndIsStale() throws {
        let sealedBefore = try SecretBox(base64Key: testSecretsKey).seal("xoxb-old", integration: integration, field: "token")
        let rotated = try SecretBox(base64Key: rotatedKeys)
        #expect(try rotated.open(sealedBefore, integration: integration, field: "token") == "xoxb-old")
        #expect(rotated.isStale(sealedBefore))
        #expect(throws: (any Error).self) {
            try SecretBox(base64Key: newSecretsKey).open(sealedBefore, integration: self.integration, field: "token")
        }

        let sealedAfter = try rotated.seal("xoxb-new", integration: integration, field: "token")
        #expect(!rotated.isStale(sealedAfter))
        #expect(try SecretBox(base64Key: newSecretsKey).open(sealedAfter, integration: integration, field: "token") == "xoxb-new")
    }

    @Test func aBoxFromBeforeKeyIDsOpensWithWhicheverKeySealedIt() throws {
        let legacy = try sealedWithoutKeyID("hunter2", integration: integration, field: "password", base64Key: testSecretsKey)
        let rotated = try SecretBox(base64Key: rotatedKeys)
        #expect(try rotated.open(legacy, integration: integration, field: "password") == "hunter2")
        #expect(rotated.isStale(legacy))
        #expect(throws: (any Error).self) { try rotated.open(legacy, integration: self.integration, field: "other") }
    }

    @Test func clientsThatSealedToThePreviousPublicKeyAreStillUnderstood() throws {
        let previous = try SecretBox(base64Key: testSecretsKey)
        let rotated = try SecretBox(base64Key: rotatedKeys)
        #expect(rotated.publicKey == (try SecretBox(base64Key: newSecretsKey)).publicKey && rotated.publicKey != previous.publicKey)
        let toPrevious = try SecretSeal.seal(["token": "xoxb"], to: previous.publicKey, for: .integrationSecrets(commandID: "c-1"))
        let toCurrent = try SecretSeal.seal(["token": "xoxc"], to: rotated.publicKey, for: .integrationSecrets(commandID: "c-2"))
        #expect(try rotated.open(toPrevious, commandID: "c-1") == ["token": "xoxb"])
        #expect(try rotated.open(toCurrent, commandID: "c-2") == ["token": "xoxc"])
        #expect(throws: Rejection.self) { try SecretBox(base64Key: newSecretsKey).open(toPrevious, commandID: "c-1") }
    }

    @Test(arguments: ["", "# only a comment\n", "too-short", "\(testSecretsKey)\n\(testSecretsKey)"])
    func aKeyFileThatCannotBeUsedIsRefused(text: String) {
        #expect(throws: SecretBoxError.self) { try SecretBox(base64Key: text) }
    }
}

extension LifecycleHandlerTests {
    @Test func startingWithARotatedKeyFileSealsEveryValueWithTheNewKey() throws {
        let (_, ownerKey) = try bootstrap()
        var integrations: [IntegrationID] = []
        for (index, name) in ["DB", "Cache"].enumerated() {
            let created = try run(
                CreateIntegration(
                    kind: .secret,
                    vendor: "vault",
                    name: name,
                    sealedSecrets: sealedForLifecycle(["password": "value-\(index)"], commandID: "c-\(index)")
                ),
                as: ownerKey,
                id: "c-\(index)"
            )
            integrations.append(IntegrationID(rawValue: created.created["integration_id"]!))
        }
        // The second as a box from before key ids.
        try store.writer.write { db in
            try db.execute(
                sql: "UPDATE integration_secret SET sealed = ? WHERE integration_id = ?",
                arguments: [
                    try sealedWithoutKeyID("value-1", integration: integrations[1], field: "password", base64Key: testSecretsKey),
                    integrations[1].rawValue,
                ]
            )
        }
        let rotated = try SecretBox(base64Key: rotatedKeys)
        #expect(try store.writer.write { db in try SecretStore.reseal(box: rotated, db: db) } == 2)
        #expect(try store.writer.write { db in try SecretStore.reseal(box: rotated, db: db) } == 0)
        let newKeyOnly = try SecretBox(base64Key: newSecretsKey)
        for (index, integration) in integrations.enumerated() {
            #expect(
                try store.writer.read { db in try SecretStore.value(of: "password", integration: integration, box: newKeyOnly, db: db) }
                    == "value-\(index)"
            )
        }
    }
}
