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
}
