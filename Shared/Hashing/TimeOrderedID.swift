import Foundation

/// Id bodies that are new every time and sort by when they were made: 48 bits of Unix time in
/// milliseconds, then 80 random bits, as 26 characters of lower-case Crockford base32 (ULID's layout).
/// Ids that sort by time keep each table's inserts at the end of its index.
public enum TimeOrderedID {
    /// The 32 digits, in ASCII order, so that text order is numeric order.
    private static let digits = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// A new id body for `time`, with random bits from the system's cryptographic generator.
    public static func make(at time: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, (time.timeIntervalSince1970 * 1_000).rounded(.down))), random: generator.next(), generator.next())
    }

    /// The body for a time in milliseconds and 80 random bits: the low 16 bits of `high`, all of `low`.
    /// Times beyond 48 bits (the year 10889) keep their low 48 bits.
    public static func make(milliseconds: UInt64, random high: UInt64, _ low: UInt64) -> String {
        var text = [UInt8](repeating: 0, count: 26)
        var time = milliseconds & 0xffff_ffff_ffff
        for index in (0..<10).reversed() {
            text[index] = digits[Int(time & 31)]
            time >>= 5
        }
        // 80 random bits as 16 digits: the top 16 bits from `high`, then `low`.
        var upper = high & 0xffff
        var lower = low
        for index in (10..<26).reversed() {
            text[index] = digits[Int(lower & 31)]
            lower = (lower >> 5) | ((upper & 31) << 59)
            upper >>= 5
        }
        return String(decoding: text, as: UTF8.self)
    }
}
