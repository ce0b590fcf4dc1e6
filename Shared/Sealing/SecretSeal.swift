import Crypto
import Foundation
import Models

/// Seals secret values to an X25519 public key so that only the holder of its private half opens
/// them: a result's one-time secrets to the reply key its command carried, and the secret values of
/// an integration command to Lifecycle's secrets key.
///
/// HPKE base mode (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305.
/// The info string names the purpose and the command id, so a sealed value cannot be moved to
/// another command or used for the other purpose. A public key travels as its 32 bytes, base64url
/// without padding (43 characters).
public enum SecretSeal {
    public static let suite = "DHKEM-X25519-HKDF-SHA256/HKDF-SHA256/ChaCha20-Poly1305"
    private static let ciphersuite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly

    /// What the values are sealed for, with the command they belong to.
    public enum Purpose: Sendable {
        /// A result's one-time secrets, to the command's reply key (`ce_replykey`).
        case result(commandID: String)
        /// An integration command's secret values, to Lifecycle's secrets key.
        case integrationSecrets(commandID: String)
        /// An API key's signing key for one service, to that service's key (``ServiceKeys``).
        case signingKey(service: String, clientID: String)
        /// The one-time token a command carries as its credential (accepting an invitation,
        /// registering a runner), to Lifecycle's secrets key.
        case token(commandID: String)

        var info: Data {
            switch self {
            case .result(let commandID): Data("tenancy result secrets v1\u{0}\(commandID)".utf8)
            case .integrationSecrets(let commandID): Data("tenancy integration secrets v1\u{0}\(commandID)".utf8)
            case .signingKey(let service, let clientID): Data("tenancy signing key v1\u{0}\(service)\u{0}\(clientID)".utf8)
            case .token(let commandID): Data("tenancy token v1\u{0}\(commandID)".utf8)
            }
        }
    }

    /// Why sealed values could not be made or opened.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A public key as it travels (`ce_replykey`, Lifecycle's `GET /secrets-key`).
    public static func encode(_ key: Curve25519.KeyAgreement.PublicKey) -> String {
        Base64URL.encode(key.rawRepresentation)
    }

    /// The public key `text` encodes; throws when it is not 32 bytes of base64url.
    public static func publicKey(_ text: String) throws -> Curve25519.KeyAgreement.PublicKey {
        guard let raw = Base64URL.decode(text), let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw Failure(description: "not an X25519 public key (32 bytes, base64url without padding)")
        }
        return key
    }

    public static func seal(_ values: [String: String], to key: String, for purpose: Purpose) throws -> SealedSecrets {
        var sender = try HPKE.Sender(recipientKey: publicKey(key), ciphersuite: ciphersuite, info: purpose.info)
        let ciphertext = try sender.seal(JSONCoding.encode(values))
        return SealedSecrets(
            suite: suite,
            encapsulatedKey: sender.encapsulatedKey.base64EncodedString(),
            ciphertext: ciphertext.base64EncodedString()
        )
    }

    /// The values sealed to `key`'s public half for `purpose`.
    public static func open(_ sealed: SealedSecrets, with key: Curve25519.KeyAgreement.PrivateKey, for purpose: Purpose) throws -> [String: String] {
        guard sealed.suite == suite else { throw Failure(description: "sealed with an unknown suite '\(sealed.suite)'") }
        guard let encapsulatedKey = Data(base64Encoded: sealed.encapsulatedKey), let ciphertext = Data(base64Encoded: sealed.ciphertext) else {
            throw Failure(description: "the sealed values are not base64")
        }
        var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: purpose.info, encapsulatedKey: encapsulatedKey)
        return try JSONCoding.decode([String: String].self, from: recipient.open(ciphertext))
    }

    /// Lifecycle's secrets key pair, derived from the 32-byte key that encrypts secrets at rest
    /// (HKDF-SHA256), so it needs no configuration of its own and changes only with that key.
    public static func inboundKey(fromSecretsKey secretsKey: Data) -> Curve25519.KeyAgreement.PrivateKey {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secretsKey),
            info: Data("tenancy lifecycle inbound secrets key v1".utf8),
            outputByteCount: 32
        )
        // Any 32 bytes are an X25519 private key (clamped when used).
        return try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: derived.withUnsafeBytes { Data($0) })
    }
}
