import Foundation
import GRDB
import Kafka
import Models

extension BatchProcessor {
    func processEvent(_ envelope: Envelope, decoded: Result<any Message, Rejection>?, message: KafkaConsumedMessage, now: Date, db: Database) throws {
        guard let decoded else { return }
        guard try !Inbox.containsEvent(envelope.id, db: db) else { return }
        do {
            let event = try decoded.get()
            let context = DecisionContext.reacting(to: envelope.id, now: now)
            try db.inSavepoint {
                let reactions = try MessageTracing.step("decide") {
                    try handler.apply(event, envelope: envelope, context: context, db: db)
                }
                for (index, reaction) in reactions.enumerated() {
                    try publish(reaction, index: index, cause: envelope.id, context: context, db: db)
                }
                return .commit
            }
            metrics.eventApplied()
        } catch let rejection as Rejection {
            try deadLetter(message, rejection, now: now, db: db)
        } catch let error as DatabaseError where error.isEnvironmental {
            throw error
        } catch {
            logger.error(
                "event could not be applied",
                metadata: ["event.id": "\(envelope.id)", "event.type": "\(envelope.type)", "error": "\(error)"]
            )
            try deadLetter(message, Rejection(.internalError, "the event could not be applied: \(error)"), now: now, db: db)
        }
        try Inbox.record(envelope.id, sender: Inbox.eventSender, type: envelope.type.rawValue, fingerprint: Data(), result: nil, at: now, db: db)
    }

    /// Dead-letters an event its topic's owner did not make, without applying it or remembering its
    /// id (the real event with that id may still come), and goes on.
    func refuseForgedEvent(_ message: KafkaConsumedMessage, reason: String, now: Date, db: Database) throws {
        metrics.forgedEvent()
        try deadLetter(message, Rejection(.forgedEvent, reason), now: now, db: db)
    }
}
