import Foundation

/// Why a record is not a valid envelope. ``recoveredID`` is set when `ce_id` could still be read,
/// so that the sender of a broken command can be told.
public struct EnvelopeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var rejection: Rejection
    public var recoveredID: String?

    public var description: String { rejection.description }
}

/// Limits applied to every incoming record before anything else is done with it.
public struct EnvelopeLimits: Sendable, Hashable {
    /// Largest accepted payload. Default: 1 MiB.
    public var maxPayloadBytes: Int = 1 << 20
    /// Largest accepted single header value. Default: 4 KiB.
    public var maxHeaderBytes: Int = 4_096

    public init(maxPayloadBytes: Int = 1 << 20, maxHeaderBytes: Int = 4_096) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxHeaderBytes = maxHeaderBytes
    }
}

extension Envelope {
    /// Reads an envelope from a record's headers and value, checking everything that does not
    /// depend on the message type. Unknown headers are ignored; duplicated known ones are refused.
    public static func decode(
        headers: [(name: String, value: Data)],
        value: Data?,
        limits: EnvelopeLimits = EnvelopeLimits()
    ) throws(EnvelopeError) -> Envelope {
        var fields: [String: String] = [:]
        var recoveredID: String?
        func fail(_ code: ErrorCode, _ message: String) -> EnvelopeError {
            EnvelopeError(rejection: Rejection(code, message), recoveredID: recoveredID)
        }
        // ce_id first, so that later failures can still name the command.
        if let raw = headers.first(where: { $0.name == Header.id })?.value,
            raw.count <= 200, let id = String(data: raw, encoding: .utf8), isPrintable(id), !id.isEmpty
        {
            recoveredID = id
        }
        for header in headers where knownHeaders.contains(header.name) {
            guard header.value.count <= limits.maxHeaderBytes else {
                throw fail(.messageTooLarge, "header '\(header.name)' is \(header.value.count) bytes; the limit is \(limits.maxHeaderBytes)")
            }
            guard let text = String(data: header.value, encoding: .utf8) else {
                throw fail(.malformedEnvelope, "header '\(header.name)' is not UTF-8")
            }
            guard fields.updateValue(text, forKey: header.name) == nil else {
                throw fail(.malformedEnvelope, "header '\(header.name)' appears more than once")
            }
        }
        func required(_ name: String) throws(EnvelopeError) -> String {
            guard let value = fields[name], !value.isEmpty else {
                throw fail(.malformedEnvelope, "header '\(name)' is missing")
            }
            return value
        }
        guard try required(Header.specVersion) == specVersion else {
            throw fail(.malformedEnvelope, "ce_specversion must be '\(specVersion)'")
        }
        let id = try required(Header.id)
        guard id.count <= 200, isPrintable(id) else {
            throw fail(.malformedEnvelope, "ce_id must be 1 to 200 printable characters")
        }
        let type = MessageType(rawValue: try required(Header.type))
        guard type.isWellFormed else {
            throw fail(.unknownType, "ce_type '\(type.rawValue.prefix(200))' is not a Tenancy message type (tenancy.<area>.<Name>.v<N>)")
        }
        let source = try required(Header.source)
        guard source.count <= 500, isPrintable(source) else {
            throw fail(.malformedEnvelope, "ce_source must be 1 to 500 printable characters")
        }
        var time: Date?
        if let text = fields[Header.time] {
            guard let parsed = Timestamp.parse(text) else {
                throw fail(.malformedEnvelope, "ce_time is not an RFC 3339 timestamp")
            }
            time = parsed
        }
        let contentType = try required(Header.contentType)
        guard contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == Self.contentType else {
            throw fail(.malformedEnvelope, "content-type must be '\(Self.contentType)'")
        }
        if let replyKey = fields[Header.replyKey] {
            guard replyKey.count == 43, Base64URL.decode(replyKey)?.count == 32 else {
                throw fail(.malformedEnvelope, "ce_replykey must be an X25519 public key: 32 bytes, base64url without padding (43 characters)")
            }
        }
        guard let value, !value.isEmpty else {
            throw fail(.malformedPayload, "the record has no payload")
        }
        guard value.count <= limits.maxPayloadBytes else {
            throw fail(.messageTooLarge, "payload is \(value.count) bytes; the limit is \(limits.maxPayloadBytes)")
        }
        return Envelope(
            id: id,
            type: type,
            source: source,
            time: time,
            subject: fields[Header.subject],
            correlationID: fields[Header.correlationID],
            actor: fields[Header.actor],
            authorization: fields[Header.authorization],
            replyKey: fields[Header.replyKey],
            traceContext: traceContext(in: headers),
            payload: value
        )
    }

    /// The trace context, when exactly one `ce_traceparent` holds (``TraceContext``); a broken one is
    /// dropped, not refused, and so is a `ce_tracestate` that is not exactly one.
    private static func traceContext(in headers: [(name: String, value: Data)]) -> TraceContext? {
        var parents: [Data] = []
        var states: [Data] = []
        for header in headers {
            if header.name == Header.traceparent {
                parents.append(header.value)
            } else if header.name == Header.tracestate {
                states.append(header.value)
            }
        }
        guard parents.count == 1, let parent = String(data: parents[0], encoding: .utf8) else { return nil }
        return TraceContext(traceparent: parent, tracestate: states.count == 1 ? String(data: states[0], encoding: .utf8) : nil)
    }

    private static let knownHeaders: Set<String> = [
        Header.specVersion, Header.id, Header.type, Header.source, Header.time, Header.subject,
        Header.correlationID, Header.actor, Header.replyKey, Header.contentType, Header.authorization,
    ]

    private static func isPrintable(_ text: String) -> Bool {
        // Printable ASCII, by far the common case, without looking up Unicode properties.
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
            || text.unicodeScalars.allSatisfy { !$0.properties.generalCategory.isControl }
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControl: Bool {
        self == .control || self == .format || self == .lineSeparator || self == .paragraphSeparator
    }
}
