import Foundation
import Synchronization

/// Decodes payloads by wire name. A name that is not registered is an ``ErrorCode/unknownType``
/// rejection, never a crash.
public struct MessageRegistry: Sendable {
    private var decoders: [MessageType: @Sendable (Data) throws -> any Message] = [:]

    public init(_ types: [any Message.Type] = []) {
        for type in types { register(type) }
    }

    public mutating func register(_ type: any Message.Type) {
        decoders[type.messageType] = { data in try JSONCoding.decode(type, from: data) }
    }

    public var types: Set<MessageType> { Set(decoders.keys) }

    /// This registry with `other`'s types added.
    public func merging(_ other: MessageRegistry) -> MessageRegistry {
        var merged = self
        merged.decoders.merge(other.decoders) { own, _ in own }
        return merged
    }

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
    ///
    /// Keys seen in earlier re-encodings of the type are remembered, so a payload whose fields are all
    /// known costs one parse; only a field not seen before makes it re-encode the message to decide.
    public static func rejectUnknownFields(of message: any Message, payload: Data) throws(Rejection) {
        guard let sent = try? JSONCoding.decode(PresentFields.self, from: payload).names else { return }
        let type = ObjectIdentifier(Swift.type(of: message))
        let unseen = understoodFields.withLock { known in sent.subtracting(known[type] ?? []) }
        guard !unseen.isEmpty else { return }
        guard let understood = try? JSONCoding.decode(PresentFields.self, from: JSONCoding.encode(message)).names else { return }
        understoodFields.withLock { $0[type, default: []].formUnion(understood) }
        if let first = unseen.subtracting(understood).sorted().first {
            throw Rejection(
                .invalidArgument,
                "unknown field '\(first.prefix(64))' for \(Swift.type(of: message).messageType)",
                field: String(first.prefix(64))
            )
        }
    }

    private static let understoodFields = Mutex<[ObjectIdentifier: Set<String>]>([:])
}

/// The names of a JSON object's top-level fields whose values are not null.
private struct PresentFields: Decodable {
    let names: Set<String>

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        names = Set(try container.allKeys.filter { try !container.decodeNil(forKey: $0) }.map(\.stringValue))
    }

    private struct Name: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
