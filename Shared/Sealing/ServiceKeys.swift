import Crypto
import Foundation
import Models

/// A service's own X25519 key pair and every service's public key, as configured.
///
/// Each service holds only its own private key (`--service-key-file`). Lifecycle seals each new
/// API key's per-service signing key to the public key of the service that checks it, so a service
/// opens only its own, and no copy of one service's database or key lets anyone sign for another.
/// Two services also agree on a key of their own from their key pairs (X25519), which tags the
/// events one produces for the other (``EventTag``).
public struct ServiceKeys: Sendable {
    /// The services, by the names their keys are configured under.
    public static let services = ["lifecycle", "sharing", "notifications", "deactivation"]

    /// The service these keys belong to.
    public let service: String
    private let privateKey: Curve25519.KeyAgreement.PrivateKey
    /// Every service's public key, by name, this one's included.
    public let publicKeys: [String: Curve25519.KeyAgreement.PublicKey]

    /// Why configured keys cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - privateKey: the service's private key, 32 bytes in base64url without padding.
    ///   - publicKeys: `name=key` entries, separated by commas or new lines, naming every service of
    ///     ``services`` (and any other service of the deployment).
    public init(service: String, privateKey: String, publicKeys: String) throws {
        guard let raw = Base64URL.decode(privateKey.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32,
            let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
        else { throw Failure(description: "the service key of \(service) is not 32 bytes of base64url") }
        try self.init(service: service, privateKey: key, publicKeys: Self.parse(publicKeys))
    }

    public init(service: String, privateKey: Curve25519.KeyAgreement.PrivateKey, publicKeys: [String: Curve25519.KeyAgreement.PublicKey]) throws {
        let missing = Self.services.filter { publicKeys[$0] == nil }
        guard missing.isEmpty else { throw Failure(description: "no public key configured for \(missing.joined(separator: ", "))") }
        guard publicKeys[service]?.rawRepresentation == privateKey.publicKey.rawRepresentation else {
            throw Failure(description: "the public key configured for \(service) is not the public half of its service key")
        }
        self.service = service
        self.privateKey = privateKey
        self.publicKeys = publicKeys
    }

    /// `name=key` entries separated by commas or new lines; blank lines and `#` comments are skipped.
    public static func parse(_ text: String) throws -> [String: Curve25519.KeyAgreement.PublicKey] {
        var keys: [String: Curve25519.KeyAgreement.PublicKey] = [:]
        for entry in text.split(whereSeparator: { $0 == "," || $0.isNewline }) {
            let entry = entry.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, Signer.isOperatorName(parts[0]) else {
                throw Failure(description: "a public key entry is not <service>=<key> with a lower-case service name")
            }
            do {
                keys[parts[0]] = try SecretSeal.publicKey(parts[1])
            } catch {
                throw Failure(description: "the public key of \(parts[0]) is not 32 bytes of base64url")
            }
        }
        return keys
    }

    /// A new key pair per service and the public keys entries naming them all (`tenancy service-keys`).
    public static func generate(for services: [String] = services) -> (privateKeys: [String: String], publicKeys: String) {
        let pairs = services.map { ($0, Curve25519.KeyAgreement.PrivateKey()) }
        let privateKeys = Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, Base64URL.encode($0.1.rawRepresentation)) })
        let publicKeys = pairs.map { "\($0.0)=\(SecretSeal.encode($0.1.publicKey))" }.joined(separator: "\n")
        return (privateKeys, publicKeys + "\n")
    }

    // MARK: Signing keys

    /// A new API key's signing key for every service, each sealed to that service's public key and
    /// bound to the client id (what Lifecycle puts in `APIKeyIssued`).
    public func sealSigningKeys(secret: String, clientID: String) -> [String: SealedSecrets] {
        var sealed: [String: SealedSecrets] = [:]
        for (service, publicKey) in publicKeys {
            let key = RequestSignature.signingKey(secret: secret, service: service).withUnsafeBytes { Base64URL.encode(Data($0)) }
            // The public keys were checked when configured, so sealing to them cannot fail.
            sealed[service] = try! SecretSeal.seal(
                [RequestSignature.signingKeyField: key],
                to: SecretSeal.encode(publicKey),
                for: .signingKey(service: service, clientID: clientID)
            )
        }
        return sealed
    }

    /// This service's signing key of `clientID`, opened from what Lifecycle sealed to it.
    public func openSigningKey(_ sealed: SealedSecrets, clientID: String) throws -> SymmetricKey {
        let values = try SecretSeal.open(sealed, with: privateKey, for: .signingKey(service: service, clientID: clientID))
        guard let text = values[RequestSignature.signingKeyField], let raw = Base64URL.decode(text), raw.count == 32 else {
            throw SecretSeal.Failure(description: "the sealed signing key is not 32 bytes")
        }
        return SymmetricKey(data: raw)
    }

    // MARK: Keys between two services

    /// The key `producer` tags its events for `follower` with: HKDF-SHA256 over the X25519 secret
    /// the two services' key pairs agree on, bound to the direction. Either side computes it from
    /// its own private key; this service must be one of the two.
    public func pairKey(producer: String, follower: String) throws -> SymmetricKey {
        let peer = producer == service ? follower : producer
        guard producer == service || follower == service, producer != follower, let peerKey = publicKeys[peer] else {
            throw Failure(description: "no key between \(producer) and \(follower) at \(service)")
        }
        let shared = try privateKey.sharedSecretFromKeyAgreement(with: peerKey)
        return shared.hkdfDerivedSymmetricKey(
            using: SHA256.self,
            salt: Data("tenancy event tags v1".utf8),
            sharedInfo: Data("\(producer)\u{0}\(follower)".utf8),
            outputByteCount: 32
        )
    }
}
