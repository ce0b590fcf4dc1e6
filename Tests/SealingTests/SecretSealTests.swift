import Crypto
import Foundation
import Models
import Sealing
import Testing

@Suite("Reply seal")
struct SecretSealTests {
    let key = Curve25519.KeyAgreement.PrivateKey()
    let secrets = ["client_secret": "s3cr3t-value", "items.0.token": "t0k"]

    @Test func theRequesterOpensWhatWasSealedToItsKey() throws {
        let sealed = try SecretSeal.seal(secrets, to: SecretSeal.encode(key.publicKey), for: .result(commandID: "cmd-1"))
        #expect(sealed.suite == SecretSeal.suite)
        #expect(!String(decoding: JSONCoding.encode(sealed), as: UTF8.self).contains("s3cr3t-value"))
        #expect(try SecretSeal.open(sealed, with: key, for: .result(commandID: "cmd-1")) == secrets)
    }

    @Test func nobodyElseOpensItNorForAnotherCommand() throws {
        let sealed = try SecretSeal.seal(secrets, to: SecretSeal.encode(key.publicKey), for: .result(commandID: "cmd-1"))
        #expect(throws: (any Error).self) {
            try SecretSeal.open(sealed, with: Curve25519.KeyAgreement.PrivateKey(), for: .result(commandID: "cmd-1"))
        }
        #expect(throws: (any Error).self) { try SecretSeal.open(sealed, with: key, for: .result(commandID: "cmd-2")) }
        var tampered = sealed
        var bytes = try #require(Data(base64Encoded: sealed.ciphertext))
        bytes[0] ^= 1
        tampered.ciphertext = bytes.base64EncodedString()
        #expect(throws: (any Error).self) { try SecretSeal.open(tampered, with: key, for: .result(commandID: "cmd-1")) }
    }

    @Test func valuesSealedForOnePurposeDoNotOpenForTheOther() throws {
        let sealed = try SecretSeal.seal(secrets, to: SecretSeal.encode(key.publicKey), for: .integrationSecrets(commandID: "cmd-1"))
        #expect(try SecretSeal.open(sealed, with: key, for: .integrationSecrets(commandID: "cmd-1")) == secrets)
        #expect(throws: (any Error).self) { try SecretSeal.open(sealed, with: key, for: .result(commandID: "cmd-1")) }
    }

    @Test func lifecyclesInboundKeyFollowsItsSecretsKey() {
        let one = SecretSeal.inboundKey(fromSecretsKey: Data(repeating: 1, count: 32))
        #expect(one.rawRepresentation == SecretSeal.inboundKey(fromSecretsKey: Data(repeating: 1, count: 32)).rawRepresentation)
        #expect(one.rawRepresentation != SecretSeal.inboundKey(fromSecretsKey: Data(repeating: 2, count: 32)).rawRepresentation)
        #expect(one.rawRepresentation != Data(repeating: 1, count: 32), "derived, not the secrets key itself")
    }

    @Test func eachSealIsNew() throws {
        let replyKey = SecretSeal.encode(key.publicKey)
        #expect(
            try SecretSeal.seal(secrets, to: replyKey, for: .result(commandID: "c"))
                != SecretSeal.seal(secrets, to: replyKey, for: .result(commandID: "c"))
        )
    }

    @Test func aKeyThatIsNotAnX25519PublicKeyIsRefused() {
        for bad in ["", "short", String(repeating: "A", count: 44), "+/" + String(repeating: "A", count: 41)] {
            #expect(throws: SecretSeal.Failure.self) { try SecretSeal.seal(secrets, to: bad, for: .result(commandID: "c")) }
        }
    }

    @Test func base64URLRoundTripsAndRefusesStandardBase64() {
        let bytes = Data((0..<64).map { UInt8($0 * 4) })
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("+") && !text.contains("/") && !text.contains("="))
        #expect(Base64URL.decode(text) == bytes)
        #expect(Base64URL.decode(bytes.base64EncodedString()) == nil)
    }
}
