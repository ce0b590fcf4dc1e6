import GRDB
import Models

/// What a service plugs into the pipeline: the messages it understands and what it does with them.
///
/// Both methods run inside the batch's write transaction (each message in its own savepoint), so
/// whatever they write commits together with the inbox, outbox and consumed offsets, or not at all.
public protocol MessageHandler: Sendable {
    /// Commands accepted on the service's command topic.
    var commands: MessageRegistry { get }
    /// Events of other services applied to this service's replicas; others are skipped.
    var events: MessageRegistry { get }

    /// Authenticates, authorizes, decides and applies one command. Throws a ``Rejection`` to refuse it.
    func handle(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome

    /// Applies one event read from another topic; returns the events the service publishes in
    /// reaction (a share revoked because its integration was deleted). Ids come from `context`,
    /// which derives them from the event's id.
    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent]

    /// Work that falls due with time alone (pending requests expiring). Runs every few seconds in a
    /// transaction of its own; returns the events to publish.
    func housekeep(context: DecisionContext, db: Database) throws -> [DomainEvent]
}

extension MessageHandler {
    public var events: MessageRegistry { MessageRegistry() }
    public func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] { [] }
    public func housekeep(context: DecisionContext, db: Database) throws -> [DomainEvent] { [] }
}
