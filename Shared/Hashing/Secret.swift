import Crypto
import Foundation
import Models

/// One-time secrets (client secrets, invitation and runner tokens): made random, stored only as
/// their hash, and checked against that hash in constant time.
public enum Secret {
    /// 256 random bits, base64url without padding.
    public static func generate() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// Lower-case hex SHA-256 of a secret, as stored and as carried in key events.
    public static func hash(_ secret: String) -> String {
        SHA256Digest.hex(of: Data(secret.utf8))
    }

    /// Whether `secret` hashes to `hash`, in time independent of where the hashes differ.
    public static func matches(_ secret: String, hash: String) -> Bool {
        let left = Array(Self.hash(secret).utf8)
        let right = Array(hash.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
