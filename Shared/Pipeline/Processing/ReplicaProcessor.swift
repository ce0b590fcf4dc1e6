import Foundation
import GRDB
import Kafka
import Logging
import Messaging
import Models
import Sealing

/// Applies the events that build a service's replicas of reference data (``MessageHandler/replica``),
/// which every instance reads whole from ``PipelineTopics/replicated``: each batch in one
/// transaction with the replica's offsets, each event once by id.
///
/// It applies only genuine events it knows. A record that is not a valid envelope, an event its
/// topic's owner did not tag, or one that does not decode is skipped here: the consumer group reads
/// the same records and dead-letters them, once for the service rather than once per instance.
package final class ReplicaProcessor: Sendable {
    /// A polled record, decoded off the writer thread; nil `event` when the replicas skip it.
    package struct Prepared: Sendable {
        package let message: KafkaConsumedMessage
        package let event: (envelope: Envelope, message: any Message)?
    }

    private let writer: any DatabaseWriter
    private let handler: any MessageHandler
    private let eventTag: EventTag
    private let limits: EnvelopeLimits
    private let logger: Logger
    private let clock: @Sendable () -> Date

    package init(
        store: ServiceStore,
        handler: any MessageHandler,
        eventTag: EventTag,
        limits: EnvelopeLimits,
        logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        writer = store.writer
        self.handler = handler
        self.eventTag = eventTag
        self.limits = limits
        self.logger = logger
        self.clock = clock
    }

    /// Decodes and checks a polled batch. Touches no state.
    package func prepare(_ messages: [KafkaConsumedMessage]) -> [Prepared] {
        messages.map { Prepared(message: $0, event: event(in: $0)) }
    }

    private func event(in message: KafkaConsumedMessage) -> (envelope: Envelope, message: any Message)? {
        guard let envelope = try? Envelope(decoding: message, limits: limits), handler.replica.knows(envelope.type) else { return nil }
        if let reason = eventTag.forgery(of: message, owner: Topics.owner(ofEvents: message.topic)) {
            logger.debug("replica skips an event its topic's owner did not make", metadata: ["event.id": "\(envelope.id)", "reason": "\(reason)"])
            return nil
        }
        guard let decoded = try? handler.replica.decode(envelope) else { return nil }
        return (envelope, decoded)
    }

    /// Applies a batch in one transaction and stores the offsets it reached; records at offsets
    /// already applied are skipped. Returns the next offset of every partition in the batch.
    @discardableResult
    package func apply(_ batch: [Prepared]) async throws -> [TopicPartition: Int64] {
        guard !batch.isEmpty else { return [:] }
        let now = clock()
        return try await writer.write { [handler] db in
            var next = try ConsumerOffsets.replica.next(for: Set(batch.map(\.message.topicPartition)), db: db)
            for prepared in batch {
                let partition = prepared.message.topicPartition
                if let stored = next[partition], prepared.message.offset < stored { continue }
                next[partition] = prepared.message.offset + 1
                guard let (envelope, event) = prepared.event, try !Inbox.replicaHas(envelope.id, db: db) else { continue }
                try replicate(event, envelope: envelope, db: db)
                try Inbox.record(
                    envelope.id,
                    sender: Inbox.replicaSender,
                    type: envelope.type.rawValue,
                    fingerprint: Data(),
                    result: nil,
                    at: now,
                    db: db
                )
            }
            try ConsumerOffsets.replica.store(next, db: db)
            return next
        }
    }

    /// An event the replicas cannot take (a write it breaks a constraint with) is logged and left
    /// out, in a savepoint so that nothing of it stays; a failure of the database itself fails the batch.
    private func replicate(_ event: any Message, envelope: Envelope, db: Database) throws {
        do {
            try db.inSavepoint {
                try handler.replicate(event, envelope: envelope, db: db)
                return .commit
            }
        } catch let error as DatabaseError where error.isEnvironmental {
            throw error
        } catch {
            logger.error(
                "event could not be applied to the replicas; left out",
                metadata: ["event.id": "\(envelope.id)", "event.type": "\(envelope.type)", "error": "\(error)"]
            )
        }
    }
}
