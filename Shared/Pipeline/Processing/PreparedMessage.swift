import Foundation
import Hashing
import Kafka
import Messaging
import Models
import Tracing

/// A polled message with what can be worked out of it without the database: its envelope and, for
/// a command or an event this service applies, the decoded message. Prepared before the batch's
/// write transaction (while the batch before it commits), so that the database's one writer thread
/// spends its time only on what needs the database.
package struct PreparedMessage: Sendable {
    package enum Content: Sendable {
        /// Not a valid envelope.
        case undecodable(EnvelopeError)
        /// A command: its fingerprint (to tell a repeated id from a reused one), the decoded message
        /// or why it cannot be decoded, and a field the payload names that the message does not know.
        case command(Envelope, fingerprint: Data, decoded: Result<any Message, Rejection>, unknownField: Rejection?)
        /// Another service's event: decoded or why not; nil when this service does not react to its
        /// type (or applies it to its replicas only, through their own reader).
        case event(Envelope, decoded: Result<any Message, Rejection>?)
        /// An event this service would apply that its topic's owner did not make: why not.
        case forgedEvent(reason: String)
    }

    package let message: KafkaConsumedMessage
    package let content: Content
    /// When it was polled: where its span begins.
    package var polledAt = DefaultTracerClock.now

    /// Its envelope, when it has one.
    var envelope: Envelope? {
        switch content {
        case .command(let envelope, _, _, _), .event(let envelope, _): envelope
        case .undecodable, .forgedEvent: nil
        }
    }
}

extension BatchProcessor {
    /// Decodes a polled batch. Touches no state: runs on any thread, concurrently with a write.
    package func prepare(_ messages: [KafkaConsumedMessage]) -> [PreparedMessage] {
        messages.map { PreparedMessage(message: $0, content: content(of: $0)) }
    }

    private func content(of message: KafkaConsumedMessage) -> PreparedMessage.Content {
        let envelope: Envelope
        do {
            envelope = try Envelope(decoding: message, limits: limits)
        } catch {
            return .undecodable(error)
        }
        guard message.topic == topics.commands else {
            guard followedEvents.knows(envelope.type) else { return .event(envelope, decoded: nil) }
            if let reason = eventTag.forgery(of: message, owner: eventOwners[message.topic]) {
                return .forgedEvent(reason: reason)
            }
            let decoded = Result { () throws(Rejection) in try followedEvents.decode(envelope) }
            // Genuine and whole, but only for the replicas: their own reader applies it.
            if case .success = decoded, !handler.events.knows(envelope.type) { return .event(envelope, decoded: nil) }
            return .event(envelope, decoded: decoded)
        }
        let decoded = Result { () throws(Rejection) in try handler.commands.decode(envelope) }
        var unknownField: Rejection?
        if case .success(let command) = decoded {
            do { try MessageRegistry.rejectUnknownFields(of: command, payload: envelope.payload) } catch { unknownField = error }
        }
        let fingerprint = SHA256Digest.of([Data(envelope.type.rawValue.utf8), envelope.payload])
        return .command(envelope, fingerprint: fingerprint, decoded: decoded, unknownField: unknownField)
    }
}
