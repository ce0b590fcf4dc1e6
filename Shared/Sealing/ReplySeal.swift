import Crypto
import Foundation
import Models

/// Seals a result's one-time secrets to the reply key its command carried, and opens them again on
/// the client's side.
///
/// HPKE base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305. The info
/// string binds the sealed secrets to their command id, so they cannot be moved to another result.
/// A reply key travels in `ce_replykey` as the 32 bytes of an X25519 public key, base64url without
/// padding (43 characters); a client makes a new one for each command.
public enum ReplySeal {
    public static let suite = "DHKEM-X25519-HKDF-SHA256/HKDF-SHA256/ChaCha20-Poly1305"
    private static let ciphersuite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly

    /// Why sealed secrets could not be made or opened.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A reply key as it travels in `ce_replykey`.
    public static func encode(_ key: Curve25519.KeyAgreement.PublicKey) -> String {
        Base64URL.encode(key.rawRepresentation)
    }

    public static func seal(_ secrets: [String: String], to replyKey: String, commandID: String) throws -> SealedSecrets {
        guard let raw = Base64URL.decode(replyKey), let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw Failure(description: "the reply key is not an X25519 public key (32 bytes, base64url)")
        }
        var sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: info(commandID))
        let ciphertext = try sender.seal(JSONCoding.encode(secrets))
        return SealedSecrets(
            suite: suite,
            encapsulatedKey: sender.encapsulatedKey.base64EncodedString(),
            ciphertext: ciphertext.base64EncodedString()
        )
    }

    /// The secrets sealed to `key`'s public half for the command `commandID`.
    public static func open(_ sealed: SealedSecrets, with key: Curve25519.KeyAgreement.PrivateKey, commandID: String) throws -> [String: String] {
        guard sealed.suite == suite else { throw Failure(description: "sealed with an unknown suite '\(sealed.suite)'") }
        guard let encapsulatedKey = Data(base64Encoded: sealed.encapsulatedKey), let ciphertext = Data(base64Encoded: sealed.ciphertext) else {
            throw Failure(description: "the sealed secrets are not base64")
        }
        var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: info(commandID), encapsulatedKey: encapsulatedKey)
        return try JSONCoding.decode([String: String].self, from: recipient.open(ciphertext))
    }

    private static func info(_ commandID: String) -> Data {
        Data("tenancy result secrets v1\u{0}\(commandID)".utf8)
    }
}
