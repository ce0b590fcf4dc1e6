import GRDB
import Models
import Pipeline

extension MessageHandler {
    /// Applies another service's event as a running service does: to the replicas when they are
    /// built from its type (their own reader comes first), then the reaction, when the service has one.
    public func follow(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let type = Swift.type(of: event).messageType
        if replica.knows(type) { try replicate(event, envelope: envelope, db: db) }
        return events.knows(type) ? try apply(event, envelope: envelope, context: context, db: db) : []
    }
}
