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
        headers.append((Header.contentType, Self.contentType))
        if let authorization { headers.append((Header.authorization, authorization)) }
        return headers
    }
}

/// RFC 3339 timestamps as CloudEvents writes them: UTC, whole milliseconds.
public enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    public static func format(_ date: Date) -> String {
        let milliseconds = millisecondsSinceEpoch(date)
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1_000)
        let (wholeSeconds, millis) = fraction < 0 ? (seconds - 1, fraction + 1_000) : (seconds, fraction)
        let base = withoutFraction.format(Date(timeIntervalSince1970: Double(wholeSeconds)))
        return base.dropLast() + "." + String(String(millis + 1_000).dropFirst()) + "Z"
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
