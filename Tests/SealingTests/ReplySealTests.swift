import Crypto
import Foundation
import Models
import Sealing
import Testing

@Suite("Reply seal")
struct ReplySealTests {
    let key = Curve25519.KeyAgreement.PrivateKey()
    let secrets = ["client_secret": "s3cr3t-value", "items.0.token": "t0k"]

    @Test func theRequesterOpensWhatWasSealedToItsKey() throws {
        let sealed = try ReplySeal.seal(secrets, to: ReplySeal.encode(key.publicKey), commandID: "cmd-1")
        #expect(sealed.suite == ReplySeal.suite)
        #expect(!String(decoding: JSONCoding.encode(sealed), as: UTF8.self).contains("s3cr3t-value"))
        #expect(try ReplySeal.open(sealed, with: key, commandID: "cmd-1") == secrets)
    }

    @Test func nobodyElseOpensItNorForAnotherCommand() throws {
        let sealed = try ReplySeal.seal(secrets, to: ReplySeal.encode(key.publicKey), commandID: "cmd-1")
        #expect(throws: (any Error).self) { try ReplySeal.open(sealed, with: Curve25519.KeyAgreement.PrivateKey(), commandID: "cmd-1") }
        #expect(throws: (any Error).self) { try ReplySeal.open(sealed, with: key, commandID: "cmd-2") }
        var tampered = sealed
        var bytes = try #require(Data(base64Encoded: sealed.ciphertext))
        bytes[0] ^= 1
        tampered.ciphertext = bytes.base64EncodedString()
        #expect(throws: (any Error).self) { try ReplySeal.open(tampered, with: key, commandID: "cmd-1") }
    }

    @Test func eachSealIsNew() throws {
        let replyKey = ReplySeal.encode(key.publicKey)
        #expect(try ReplySeal.seal(secrets, to: replyKey, commandID: "c") != ReplySeal.seal(secrets, to: replyKey, commandID: "c"))
    }

    @Test func aKeyThatIsNotAnX25519PublicKeyIsRefused() {
        for bad in ["", "short", String(repeating: "A", count: 44), "+/" + String(repeating: "A", count: 41)] {
            #expect(throws: ReplySeal.Failure.self) { try ReplySeal.seal(secrets, to: bad, commandID: "c") }
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
