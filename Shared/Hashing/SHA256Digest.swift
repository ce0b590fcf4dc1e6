import Crypto
import Foundation

/// SHA-256 of the project's values: command fingerprints, certificate fingerprints, derived ids.
public enum SHA256Digest {
    /// SHA-256 of parts, each preceded by its length, so that ("ab", "c") and ("a", "bc") differ.
    public static func of(_ parts: [Data]) -> Data {
        var hasher = SHA256()
        for part in parts {
            withUnsafeBytes(of: UInt64(part.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: part)
        }
        return Data(hasher.finalize())
    }

    /// Lower-case hex SHA-256 of bytes.
    public static func hex(of data: Data) -> String {
        Hex.encode(Data(SHA256.hash(data: data)))
    }
}

/// Lower-case hexadecimal text of bytes.
public enum Hex {
    public static func encode(_ data: Data) -> String {
        // Built from a digit table rather than `String(format:)`, which is slow on the per-command path.
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(data.count * 2)
        for byte in data {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
