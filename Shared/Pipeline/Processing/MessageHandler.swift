import Foundation
import GRDB
import Models

/// What a service plugs into the pipeline: the messages it understands and what it does with them.
///
/// Its methods run inside the batch's write transaction (each message in its own savepoint), so
/// whatever they write commits together with the inbox, outbox and consumed offsets, or not at all.
public protocol MessageHandler: Sendable {
    /// Commands accepted on the service's command topic.
    var commands: MessageRegistry { get }
    /// Events of other services this service reacts to, read from its own partitions in the
    /// consumer group (a share ended because its integration was deleted, a saga step); others are
    /// skipped.
    var events: MessageRegistry { get }
    /// Events of other services that build the replicas of reference data every instance keeps
    /// whole (the directory of keys, members and workspaces): read from every partition of
    /// ``PipelineTopics/replicated`` outside the consumer group, applied by
    /// ``replicate(_:envelope:db:)``.
    var replica: MessageRegistry { get }

    /// Establishes who sent a command from its credential, and nothing more: the pipeline calls it
    /// before it looks the command's id up, because that id is the sender's own idempotency key.
    /// Throws a ``Rejection`` when the credential does not hold; that answer is never remembered.
    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender

    /// The key of the aggregate `command` changes (Sharing: the caller's workspace), which picks the
    /// task that owns it: a command read in another task's partition is forwarded there, unrecorded,
    /// to be decided by its owner. Nil (the default): decided where it lands.
    func ownerKey(of command: any Message, from sender: Sender, db: Database) throws -> String?

    /// Authorizes, decides and applies one command of `sender`'s (as ``authenticate(_:envelope:now:db:)``
    /// established). Throws a ``Rejection`` to refuse it.
    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome

    /// What tells a repeated command from another under the same id, when its payload bytes cannot:
    /// a command with values sealed afresh on every send (integration secrets) gives its opened
    /// form. Nil (the default) compares the payload as sent.
    func fingerprint(_ command: any Message, envelope: Envelope) -> Data?

    /// Applies one event read from another topic; returns the events the service publishes in
    /// reaction (a share revoked because its integration was deleted). Ids come from `context`,
    /// which derives them from the event's id.
    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent]

    /// Applies one event to the replicas: a write that depends on the event alone (applying it again
    /// changes nothing), with no outputs; what the service does in reaction is ``apply(_:envelope:context:db:)``'s.
    func replicate(_ event: any Message, envelope: Envelope, db: Database) throws

    /// Work that falls due with time alone (pending requests expiring). Runs every few seconds in a
    /// transaction of its own; returns the events to publish.
    func housekeep(context: DecisionContext, db: Database) throws -> [DomainEvent]
}

extension MessageHandler {
    public var events: MessageRegistry { MessageRegistry() }
    public var replica: MessageRegistry { MessageRegistry() }
    public func replicate(_ event: any Message, envelope: Envelope, db: Database) throws {}
    public func fingerprint(_ command: any Message, envelope: Envelope) -> Data? { nil }
    public func ownerKey(of command: any Message, from sender: Sender, db: Database) throws -> String? { nil }
    public func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] { [] }
    public func housekeep(context: DecisionContext, db: Database) throws -> [DomainEvent] { [] }
}
