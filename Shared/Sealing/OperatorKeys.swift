import Crypto
import Foundation
import Models

/// The operators one service accepts: each operator's name and signing key for that service.
///
/// Configured as a file of lines `<name> <signing key>` (base64url of 32 bytes), one file per
/// service, so a service holds only its own derived keys and never an operator's secret.
/// `tenancy operators add` makes an operator's secret and the line for every service.
public struct OperatorKeys: Sendable {
    /// Each operator's signing key for this service, by name.
    public let keys: [String: KeyedHMAC]

    /// Why an operators file cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The fewest bytes of randomness an operator's secret must hold.
    public static let minimumSecretBytes = 32

    public init(keys: [String: SymmetricKey] = [:]) {
        self.keys = keys.mapValues(KeyedHMAC.init(key:))
    }

    /// Parses an operators file; blank lines and `#` comments are skipped.
    public init(parsing text: String) throws {
        var keys: [String: SymmetricKey] = [:]
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = line.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let parts = line.split(whereSeparator: \.isWhitespace)
            guard parts.count == 2, Signer.isOperatorName(String(parts[0])) else {
                throw Failure(description: "line \(number + 1) of the operators file is not '<name> <signing key>' with a lower-case name")
            }
            guard let raw = Base64URL.decode(String(parts[1])), raw.count == 32 else {
                throw Failure(description: "the signing key of operator '\(parts[0])' is not 32 bytes of base64url")
            }
            guard keys[String(parts[0])] == nil else { throw Failure(description: "operator '\(parts[0])' is listed twice") }
            keys[String(parts[0])] = SymmetricKey(data: raw)
        }
        self.init(keys: keys)
    }

    /// A new operator secret: 32 random bytes, base64url.
    public static func newSecret() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// Whether `secret` is strong enough for an operator: base64url of at least
    /// ``minimumSecretBytes`` bytes, not all the same.
    public static func isStrong(_ secret: String) -> Bool {
        guard let raw = Base64URL.decode(secret), raw.count >= minimumSecretBytes else { return false }
        return Set(raw).count > raw.count / 4
    }

    /// The line of an operators file that lets `name`, holding `secret`, sign for `service`.
    public static func line(name: String, secret: String, service: String) -> String {
        let key = RequestSignature.signingKey(secret: secret, service: service).withUnsafeBytes { Base64URL.encode(Data($0)) }
        return "\(name) \(key)"
    }
}
