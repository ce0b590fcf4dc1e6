import Foundation

/// New command ids for clients: UUID version 7 (RFC 9562), 48 bits of Unix time in milliseconds and
/// 74 random bits, in the usual lower-case text. The services keep every command id they decide
/// (idempotency), and ids that sort by time land at the end of that index instead of all over it.
public enum CommandID {
    /// A new id for `time`, with random bits from the system's cryptographic generator.
    public static func make(at time: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, (time.timeIntervalSince1970 * 1_000).rounded(.down))), random: generator.next(), generator.next())
    }

    /// The id for a time in milliseconds (its low 48 bits), the low 12 bits of `high` (`rand_a`) and
    /// the low 62 bits of `low` (`rand_b`).
    public static func make(milliseconds: UInt64, random high: UInt64, _ low: UInt64) -> String {
        let upper = (milliseconds & 0xffff_ffff_ffff) << 16 | 0x7000 | (high & 0xfff)
        let lower = 0x8000_0000_0000_0000 | (low & 0x3fff_ffff_ffff_ffff)
        let bytes = withUnsafeBytes(of: (upper.bigEndian, lower.bigEndian)) { Array($0) }
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
        return uuid.uuidString.lowercased()
    }
}
