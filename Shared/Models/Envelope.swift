import Foundation

/// A CloudEvents 1.0 event in Kafka binary mode: the attributes travel as `ce_*` headers, the
/// JSON payload as the record value. Commands also carry the caller's `authorization` header.
public struct Envelope: Sendable, Hashable {
    /// Unique per source; for a command it is the idempotency key.
    public var id: String
    public var type: MessageType
    /// Who produced it, as a URI reference (`/tenancy/lifecycle`, or a client's own name).
    public var source: String
    public var time: Date?
    /// What it is about: the workspace or organization id, or for a result the command id.
    public var subject: String?
    /// The command that caused this event or result (extension attribute `ce_correlationid`).
    public var correlationID: String?
    /// Who sent the command that caused this event or result (extension attribute `ce_actor`): the
    /// signer of its signature (`key_...`, `operator:<name>`) or the holder of its one-time token
    /// (`inv_...`, `run_...`); nil for what no authenticated command caused.
    public var actor: String?
    /// The caller's credential (commands only); never logged or copied anywhere.
    public var authorization: String?
    /// The public key a command's one-time secrets are sealed to in its result (extension attribute
    /// `ce_replykey`: an X25519 public key, base64url without padding); commands only.
    public var replyKey: String?
    /// The W3C trace context of the span that sent it (CloudEvents distributed-tracing extension:
    /// `ce_traceparent`, `ce_tracestate`); outside what a signature or an event tag covers.
    public var traceContext: TraceContext?
    public var payload: Data
    /// The key of the record it was read from (not a header; a command's signature covers it).
    public var recordKey: String?

    public static let specVersion = "1.0"
    public static let contentType = "application/json"

    public init(
        id: String,
        type: MessageType,
        source: String,
        time: Date?,
        subject: String?,
        correlationID: String? = nil,
        actor: String? = nil,
        authorization: String? = nil,
        replyKey: String? = nil,
        traceContext: TraceContext? = nil,
        payload: Data
    ) {
        self.id = id
        self.type = type
        self.source = source
        self.time = time.map(Timestamp.roundedToMilliseconds)
        self.subject = subject
        self.correlationID = correlationID
        self.actor = actor
        self.authorization = authorization
        self.replyKey = replyKey
        self.traceContext = traceContext
        self.payload = payload
    }

    /// Header names, as they appear on the wire.
    public enum Header {
        public static let specVersion = "ce_specversion"
        public static let id = "ce_id"
        public static let type = "ce_type"
        public static let source = "ce_source"
        public static let time = "ce_time"
        public static let subject = "ce_subject"
        public static let correlationID = "ce_correlationid"
        public static let actor = "ce_actor"
        public static let replyKey = "ce_replykey"
        public static let traceparent = "ce_traceparent"
        public static let tracestate = "ce_tracestate"
        public static let contentType = "content-type"
        public static let authorization = "authorization"
        /// On a service's own events: its tag for each other service (`EventTag` in Sealing).
        public static let eventTags = "ce_eventtags"
    }

    /// The headers to send, in a fixed order.
    public var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            (Header.specVersion, Self.specVersion),
            (Header.id, id),
            (Header.type, type.rawValue),
            (Header.source, source),
        ]
        if let time { headers.append((Header.time, Timestamp.format(time))) }
        if let subject { headers.append((Header.subject, subject)) }
        if let correlationID { headers.append((Header.correlationID, correlationID)) }
        if let actor { headers.append((Header.actor, actor)) }
        if let replyKey { headers.append((Header.replyKey, replyKey)) }
        if let traceContext {
            headers.append((Header.traceparent, traceContext.traceparent))
            if let state = traceContext.state { headers.append((Header.tracestate, state)) }
        }
        headers.append((Header.contentType, Self.contentType))
        if let authorization { headers.append((Header.authorization, authorization)) }
        return headers
    }
}

/// RFC 3339 timestamps as CloudEvents writes them: UTC, whole milliseconds.
public enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    /// `YYYY-MM-DDTHH:MM:SS.sssZ`, written by hand from the days since 1970 (the civil-calendar
    /// conversion of the proleptic Gregorian calendar): every command, event and result carries one,
    /// and a format style costs microseconds. Years outside 1600...9999 go through the format style,
    /// which keeps its own calendar there (Julian before 1582).
    public static func format(_ date: Date) -> String {
        let milliseconds = millisecondsSinceEpoch(date)
        let (days, millisecondOfDay) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        guard (1600...9999).contains(year) else {
            let (seconds, millis) = floorDivision(milliseconds, 1_000)
            let base = withoutFraction.format(Date(timeIntervalSince1970: Double(seconds)))
            return base.dropLast() + "." + String(String(millis + 1_000).dropFirst()) + "Z"
        }
        let fields: [(value: Int64, digits: Int, after: UInt8)] = [
            (year, 4, UInt8(ascii: "-")), (month, 2, UInt8(ascii: "-")), (day, 2, UInt8(ascii: "T")),
            (millisecondOfDay / 3_600_000, 2, UInt8(ascii: ":")), (millisecondOfDay / 60_000 % 60, 2, UInt8(ascii: ":")),
            (millisecondOfDay / 1_000 % 60, 2, UInt8(ascii: ".")), (millisecondOfDay % 1_000, 3, UInt8(ascii: "Z")),
        ]
        return String(unsafeUninitializedCapacity: 24) { text in
            var end = 0
            for field in fields {
                var value = field.value
                for position in stride(from: end + field.digits - 1, through: end, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                text[end + field.digits] = field.after
                end += field.digits + 1
            }
            return end
        }
    }

    /// The year, month and day `days` after 1970-01-01 (after Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days since 0000-03-01
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 is March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    public static func parse(_ text: String) -> Date? {
        ((try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))).map(roundedToMilliseconds)
    }

    /// The same instant at millisecond precision, the precision the wire carries.
    public static func roundedToMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(millisecondsSinceEpoch(date)) / 1_000)
    }

    private static func millisecondsSinceEpoch(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000).rounded())
    }
}
