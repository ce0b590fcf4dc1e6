import Crypto
import Foundation
import Models
import Sealing
import ServiceKit

/// Encrypts integration secret values at rest with AES-GCM. Each ciphertext is bound to its
/// integration and field (authenticated data), so rows cannot be swapped between places, and names
/// the key that sealed it, so that the key can be rotated: the secrets key file holds one key per
/// line, the first sealing everything new and the others only opening what they sealed, until
/// ``SecretStore/reseal(box:db:)`` (run at every start) has moved every value to the first.
///
/// It also opens the values clients send sealed to Lifecycle's secrets key, whose private half is
/// derived from the same key (``SecretSeal/inboundKey(fromSecretsKey:)``) and whose public half
/// `GET /secrets-key` publishes: the first key's, though the others still open what clients that
/// read the previous one seal.
struct SecretBox: Sendable {
    /// One secrets key: its id (the first 8 bytes of a SHA-256 of it), the key and its inbound half.
    private struct Key: Sendable {
        let id: Data
        let key: SymmetricKey
        let inbound: Curve25519.KeyAgreement.PrivateKey
    }

    /// The current key first, then the previous ones.
    private let keys: [Key]
    /// What a box sealed with a key id starts with (boxes from before key ids have no prefix).
    private static let version: UInt8 = 1

    /// Lifecycle's secrets key, as clients seal to it.
    var publicKey: String { SecretSeal.encode(keys[0].inbound.publicKey) }

    /// The box of the secrets key the service is configured with.
    init(_ environment: ServiceEnvironment) throws {
        guard let key = environment.secretsKey else {
            throw SecretBoxError("Lifecycle needs a secrets key: set TENANCY_SECRETS_KEY or --secrets-key-file (head -c 32 /dev/urandom | base64)")
        }
        try self.init(base64Key: key)
    }

    /// - Parameter base64Key: one or more keys, one per line, each 32 random bytes, base64
    ///   (`head -c 32 /dev/urandom | base64`); the first is the current one. Blank lines and `#`
    ///   comments are skipped.
    init(base64Key: String) throws {
        let lines = base64Key.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        keys = try lines.map { line in
            guard let bytes = Data(base64Encoded: line), bytes.count == 32 else {
                throw SecretBoxError("each secrets key must be 32 bytes, base64-encoded (head -c 32 /dev/urandom | base64), one per line")
            }
            let id = Data(SHA256.hash(data: Data("tenancy secrets key id v1\u{0}".utf8) + bytes).prefix(8))
            return Key(id: id, key: SymmetricKey(data: bytes), inbound: SecretSeal.inboundKey(fromSecretsKey: bytes))
        }
        guard !keys.isEmpty else { throw SecretBoxError("the secrets key file holds no key") }
        guard Set(keys.map(\.id)).count == keys.count else { throw SecretBoxError("the secrets key file holds a key twice") }
    }

    /// The secret values of the command `commandID`, sealed to Lifecycle's secrets key; none when
    /// nothing is sealed.
    func open(_ sealed: SealedSecrets?, commandID: String) throws(Rejection) -> [String: String] {
        guard let sealed else { return [:] }
        if let values = keys.lazy.compactMap({ try? SecretSeal.open(sealed, with: $0.inbound, for: .integrationSecrets(commandID: commandID)) }).first
        {
            return values
        } else {
            throw Rejection(
                .invalidArgument,
                "cannot be opened with Lifecycle's secrets key: seal the values for this command id to the key GET /secrets-key publishes",
                field: "sealed_secrets"
            )
        }
    }

    /// The one-time token the command `commandID` carries sealed to Lifecycle's secrets key.
    func openToken(_ sealed: SealedSecrets, commandID: String) throws(Rejection) -> String {
        guard let values = keys.lazy.compactMap({ try? SecretSeal.open(sealed, with: $0.inbound, for: .token(commandID: commandID)) }).first,
            let token = values["token"]
        else {
            throw Rejection(
                .unauthenticated,
                "the token cannot be opened with Lifecycle's secrets key: seal it, under \"token\", for this command id to the key GET /secrets-key publishes",
                field: "sealed_token"
            )
        }
        return token
    }

    func seal(_ value: String, integration: IntegrationID, field: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(value.utf8), using: keys[0].key, authenticating: Self.binding(integration, field)).combined else {
            throw SecretBoxError("AES-GCM produced no combined box")
        }
        return Data([Self.version]) + keys[0].id + combined
    }

    func open(_ sealed: Data, integration: IntegrationID, field: String) throws -> String {
        let binding = Self.binding(integration, field)
        if let (key, combined) = sealedWithID(sealed) {
            return String(
                decoding: try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: key.key, authenticating: binding),
                as: UTF8.self
            )
        }
        // From before key ids: whichever key opens it.
        let box = try AES.GCM.SealedBox(combined: sealed)
        guard let value = keys.lazy.compactMap({ try? AES.GCM.open(box, using: $0.key, authenticating: binding) }).first else {
            throw SecretBoxError("no secrets key opens the value of \(integration) \(field)")
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// Whether `sealed` should be sealed again with the current key.
    func isStale(_ sealed: Data) -> Bool {
        sealedWithID(sealed)?.key.id != keys[0].id
    }

    /// The key a box names and the box after its prefix; nil for a box from before key ids.
    private func sealedWithID(_ sealed: Data) -> (key: Key, combined: Data)? {
        guard sealed.count > 9, sealed.first == Self.version else { return nil }
        let id = sealed.dropFirst().prefix(8)
        return keys.first { $0.id == id }.map { ($0, Data(sealed.dropFirst(9))) }
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
