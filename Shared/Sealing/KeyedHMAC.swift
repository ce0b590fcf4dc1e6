import Crypto
import Foundation

/// HMAC-SHA256 under one key, its key schedule done once: signing or checking a text then costs
/// only hashing it. Each use copies the prepared state, which swift-crypto's digests copy on write.
public struct KeyedHMAC: Sendable {
    private let prepared: HMAC<SHA256>

    public init(key: SymmetricKey) {
        prepared = HMAC(key: key)
    }

    public func code(for text: Data) -> HashedAuthenticationCode<SHA256> {
        var hmac = prepared
        hmac.update(data: text)
        return hmac.finalize()
    }

    /// Whether `code` is this key's over `text`, compared in constant time.
    public func isValid(_ code: Data, for text: Data) -> Bool {
        var hmac = prepared
        hmac.update(data: text)
        return hmac.finalize() == code
    }
}

/// The lines of a signed or tagged text: each part on a line of its own, so that no part may hold
/// a line break. Built on the UTF-8 bytes: Foundation's `String.contains` and `joined` cost more
/// than the HMAC on this path.
enum SignedLines {
    static func join(_ parts: [String]) -> Data? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(0x0A) }
            let start = bytes.count
            bytes.append(contentsOf: part.utf8)
            guard !bytes[start...].contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return nil }
        }
        return Data(bytes)
    }
}
