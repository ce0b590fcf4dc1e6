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
        Hex.encode(SHA256.hash(data: data))
    }
}

/// Lower-case hexadecimal text of bytes.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Written straight into the string's storage from a digit table: this runs several times for
    /// every command, where `String(format:)` or iterating `Data` cost microseconds.
    public static func encode(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { text in
                for (index, byte) in raw.enumerated() {
                    text[2 * index] = digits[Int(byte >> 4)]
                    text[2 * index + 1] = digits[Int(byte & 0x0f)]
                }
                return raw.count * 2
            }
        }
    }

    /// The bytes lower-case `text` spells; nil when it is not an even number of such digits.
    public static func decode(_ text: String) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return Data(bytes)
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case 48...57: digit - 48
        case 97...102: digit - 87
        default: nil
        }
    }
}
