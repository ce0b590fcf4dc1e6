import Crypto
import Foundation
import Models
import Sealing
import ServiceKit

/// Encrypts integration secret values at rest with AES-GCM. Each ciphertext is bound to its
/// integration and field (authenticated data), so rows cannot be swapped between places.
///
/// It also opens the values clients send sealed to Lifecycle's secrets key, whose private half is
/// derived from the same key (``SecretSeal/inboundKey(fromSecretsKey:)``) and whose public half
/// `GET /secrets-key` publishes.
struct SecretBox: Sendable {
    private let key: SymmetricKey
    private let inboundKey: Curve25519.KeyAgreement.PrivateKey

    /// Lifecycle's secrets key, as clients seal to it.
    var publicKey: String { SecretSeal.encode(inboundKey.publicKey) }

    /// The box of the secrets key the service is configured with.
    init(_ environment: ServiceEnvironment) throws {
        guard let key = environment.secretsKey else {
            throw SecretBoxError("Lifecycle needs a secrets key: set TENANCY_SECRETS_KEY or --secrets-key-file (head -c 32 /dev/urandom | base64)")
        }
        try self.init(base64Key: key)
    }

    /// - Parameter base64Key: 32 random bytes, base64 (`head -c 32 /dev/urandom | base64`).
    init(base64Key: String) throws {
        guard let bytes = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw SecretBoxError("the secrets key must be 32 bytes, base64-encoded (head -c 32 /dev/urandom | base64)")
        }
        key = SymmetricKey(data: bytes)
        inboundKey = SecretSeal.inboundKey(fromSecretsKey: bytes)
    }

    /// The secret values of the command `commandID`, sealed to Lifecycle's secrets key; none when
    /// nothing is sealed.
    func open(_ sealed: SealedSecrets?, commandID: String) throws(Rejection) -> [String: String] {
        guard let sealed else { return [:] }
        do {
            return try SecretSeal.open(sealed, with: inboundKey, for: .integrationSecrets(commandID: commandID))
        } catch {
            throw Rejection(
                .invalidArgument,
                "cannot be opened with Lifecycle's secrets key: seal the values for this command id to the key GET /secrets-key publishes",
                field: "sealed_secrets"
            )
        }
    }

    /// The one-time token the command `commandID` carries sealed to Lifecycle's secrets key.
    func openToken(_ sealed: SealedSecrets, commandID: String) throws(Rejection) -> String {
        guard let values = try? SecretSeal.open(sealed, with: inboundKey, for: .token(commandID: commandID)), let token = values["token"] else {
            throw Rejection(
                .unauthenticated,
                "the token cannot be opened with Lifecycle's secrets key: seal it, under \"token\", for this command id to the key GET /secrets-key publishes",
                field: "sealed_token"
            )
        }
        return token
    }

    func seal(_ value: String, integration: IntegrationID, field: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(value.utf8), using: key, authenticating: Self.binding(integration, field)).combined else {
            throw SecretBoxError("AES-GCM produced no combined box")
        }
        return combined
    }

    func open(_ sealed: Data, integration: IntegrationID, field: String) throws -> String {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return String(decoding: try AES.GCM.open(box, using: key, authenticating: Self.binding(integration, field)), as: UTF8.self)
    }

    private static func binding(_ integration: IntegrationID, _ field: String) -> Data {
        Data("\(integration.rawValue)\u{0}\(field)".utf8)
    }
}

/// Why secret values cannot be sealed or opened: a missing or malformed key, or a broken box.
struct SecretBoxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
