import Foundation

/// Decodes payloads by wire name. A name that is not registered is an ``ErrorCode/unknownType``
/// rejection, never a crash.
public struct MessageRegistry: Sendable {
    private var decoders: [MessageType: @Sendable (Data) throws -> any Message] = [:]

    public init(_ types: [any Message.Type] = []) {
        types.forEach { register($0) }
    }

    public mutating func register(_ type: any Message.Type) {
        decoders[type.messageType] = { data in try JSONCoding.decode(type, from: data) }
    }

    public var types: Set<MessageType> { Set(decoders.keys) }

    public func knows(_ type: MessageType) -> Bool { decoders[type] != nil }

    public func decode(_ envelope: Envelope) throws(Rejection) -> any Message {
        guard let decode = decoders[envelope.type] else {
            throw Rejection(.unknownType, "message type '\(envelope.type)' is not handled here")
        }
        do {
            return try decode(envelope.payload)
        } catch let rejection as Rejection {
            throw rejection
        } catch {
            throw Rejection(.malformedPayload, "payload could not be decoded")
        }
    }

    /// Refuses payload fields the type does not know: every top-level field with a non-null value
    /// must survive decoding and re-encoding. Catches misspelt optional fields, which decoding alone
    /// would silently ignore.
    public static func rejectUnknownFields(of message: any Message, payload: Data) throws(Rejection) {
        guard let sent = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
              let understood = try? JSONSerialization.jsonObject(with: JSONCoding.encode(message)) as? [String: Any]
        else { return }
        let unknown = sent.filter { !($0.value is NSNull) && understood[$0.key] == nil }.keys.sorted()
        if let first = unknown.first {
            throw Rejection(.invalidArgument, "unknown field '\(first.prefix(64))' for \(type(of: message).messageType)", field: String(first.prefix(64)))
        }
    }
}
