import Crypto
import Models
import Foundation

/// SHA-256 helpers: command fingerprints, derived ids, secret hashes and fresh secrets.
public enum Fingerprint {
    public static func sha256(_ parts: [Data]) -> Data {
        var hasher = SHA256()
        for part in parts {
            withUnsafeBytes(of: UInt64(part.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: part)
        }
        return Data(hasher.finalize())
    }

    /// Lower-case hex of bytes. (Not `String(format:)`, which cost a sixth of a command's time.)
    public static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(data.count * 2)
        for byte in data {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Lower-case hex SHA-256 of a secret, as stored and as carried in key events.
    public static func secretHash(_ secret: String) -> String {
        digestHex(Data(secret.utf8))
    }

    /// Lower-case hex SHA-256 of bytes.
    public static func digestHex(_ data: Data) -> String {
        hex(Data(SHA256.hash(data: data)))
    }

    /// An id body derived from a command id and a label: 24 hex characters (96 bits).
    public static func derivedID(commandID: String, label: String) -> String {
        String(hex(sha256([Data(commandID.utf8), Data(label.utf8)])).prefix(24))
    }

    /// 256 random bits, base64url without padding.
    public static func newSecret() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two hashes in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension DecisionContext {
    /// The production context: ids derived from the command id with SHA-256, random secrets.
    public static func live(commandID: String, now: Date) -> DecisionContext {
        DecisionContext(
            now: now, commandID: commandID,
            deriveID: { Fingerprint.derivedID(commandID: commandID, label: $0) },
            makeSecret: Fingerprint.newSecret
        )
    }
}
