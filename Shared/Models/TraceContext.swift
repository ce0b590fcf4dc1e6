/// A W3C trace context (Trace Context level 1): the `traceparent` and `tracestate` a message carries
/// as the CloudEvents distributed-tracing extension (headers `ce_traceparent`, `ce_tracestate`).
///
/// It comes from outside like everything else on a topic, so it is parsed strictly and dropped, never
/// refused, when it does not hold (as the W3C says a receiver does): a message with a broken trace
/// context is processed as one with none, and starts a trace of its own.
public struct TraceContext: Sendable, Hashable {
    /// 32 lower-case hex digits, not all zero.
    public let traceID: String
    /// The span that sent the message: 16 lower-case hex digits, not all zero.
    public let parentID: String
    /// Bit 0: the sender sampled (records) this trace.
    public let flags: UInt8
    /// Vendors' own entries, passed on as they came (at most 512 characters of printable ASCII).
    public let state: String?

    /// The largest `tracestate` passed on; a longer one is dropped.
    public static let maxStateLength = 512

    public var isSampled: Bool { flags & 1 == 1 }

    /// `00-<trace id>-<parent id>-<flags>`.
    public var traceparent: String {
        "00-\(traceID)-\(parentID)-\(Self.hex(flags))"
    }

    /// Reads a `traceparent` (and its `tracestate`); nil when the `traceparent` does not hold. A
    /// version above 00 is read as 00 when its first four fields are (as the W3C asks); `ff` never is.
    public init?(traceparent: String, tracestate: String? = nil) {
        let fields = traceparent.split(separator: "-", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[0] != "ff", Self.isHex(fields[0]),
            fields[1].count == 32, Self.isHex(fields[1]), fields[1].contains(where: { $0 != "0" }),
            fields[2].count == 16, Self.isHex(fields[2]), fields[2].contains(where: { $0 != "0" }),
            fields[3].count == 2, Self.isHex(fields[3]), let flags = UInt8(fields[3], radix: 16)
        else { return nil }
        // Version 00 has exactly four fields; a later version may append more.
        guard fields[0] != "00" || fields.count == 4 else { return nil }
        traceID = String(fields[1])
        parentID = String(fields[2])
        self.flags = flags
        state = tracestate.flatMap { state in
            state.count <= Self.maxStateLength && state.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !state.isEmpty ? state : nil
        }
    }

    /// A context naming `parentID` as the sender's span, in the trace `traceID`.
    public init?(traceID: String, parentID: String, flags: UInt8 = 1, state: String? = nil) {
        self.init(traceparent: "00-\(traceID)-\(parentID)-\(Self.hex(flags))", tracestate: state)
    }

    /// A new trace, sampled, whose first span is the sender's: what a client starts per command.
    public static func start() -> TraceContext {
        var generator = SystemRandomNumberGenerator()
        let trace = Self.hex(UInt64.random(in: 1...UInt64.max, using: &generator)) + Self.hex(generator.next() as UInt64)
        let span = Self.hex(UInt64.random(in: 1...UInt64.max, using: &generator))
        guard let context = TraceContext(traceID: trace, parentID: span) else { preconditionFailure("a generated trace context does not hold") }
        return context
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func hex<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: T.bitWidth / 4 - digits.count) + digits
    }
}
