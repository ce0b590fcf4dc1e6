import Crypto
import Foundation
import Models

/// Encrypts integration secret values at rest with AES-GCM. Each ciphertext is bound to its
/// integration and field (authenticated data), so rows cannot be swapped between places.
struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// - Parameter base64Key: 32 random bytes, base64 (`head -c 32 /dev/urandom | base64`).
    init(base64Key: String) throws {
        guard let bytes = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw SecretBoxError("the secrets key must be 32 bytes, base64-encoded (head -c 32 /dev/urandom | base64)")
        }
        key = SymmetricKey(data: bytes)
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
