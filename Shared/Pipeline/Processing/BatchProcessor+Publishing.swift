import Foundation
import GRDB
import Hashing
import Kafka
import Messaging
import Models

extension BatchProcessor {
    /// Queues one of this service's events. Its id comes from `context`: new for a command's events;
    /// for a reaction, derived from the cause's id, this service and the event's position, so that
    /// services reacting to the same event never publish the same id. `actor` is the sender of the
    /// command that caused it, if one did.
    func publish(_ event: DomainEvent, index: Int, cause: String, actor: String? = nil, context: DecisionContext, db: Database) throws {
        let eventID: EventID = context.newID("\(source).event.\(index)")
        let envelope = Envelope(
            id: eventID.rawValue,
            type: type(of: event.message).messageType,
            source: source,
            time: context.now,
            subject: event.subject,
            correlationID: cause,
            actor: actor,
            payload: JSONCoding.encode(event.message)
        )
        try publish(event: envelope, key: event.subject, now: context.now, db: db)
    }

    /// Queues `envelope` on this service's events topic, tagged for every follower: the one way an
    /// event of this service reaches the outbox, its handler's or its background work's.
    package func publish(event envelope: Envelope, key: String, now: Date, db: Database) throws {
        guard let topic = topics.events else {
            preconditionFailure("a service without an event topic emitted \(envelope.type)")
        }
        try enqueue(KafkaRecord(envelope, topic: topic, key: key).tagged(by: eventTag), now: now, db: db)
    }

    /// Queues the command's result, keyed by the command id and naming this service. Its `ce_id` is
    /// `id` (derived from the command id and its sender), or for a command that could not be read,
    /// derived from the command id alone: every copy of one result carries the same `ce_id`. `actor`
    /// is the command's sender, when it is known. Returns the published payload.
    @discardableResult
    func publish(result: CommandResult, now: Date, db: Database, counted: Bool = true, id: String? = nil, actor: String? = nil) throws -> Data {
        if counted {
            metrics.command(type: result.commandType, status: result.status, code: result.error?.code)
            // The command's id, type and trace come from the message being processed (MessageTracing).
            logger.debug(
                "command answered",
                metadata: ["outcome": "\(result.status.rawValue)"].merging(result.error.map { ["error.code": "\($0.code.rawValue)"] } ?? [:]) { $1 }
            )
        }
        if let span = MessageTracing.current {
            span.set("tenancy.command.id", result.commandID)
            span.set("tenancy.command.outcome", result.status.rawValue)
            if let code = result.error?.code { span.set("tenancy.error.code", code.rawValue) }
            if let actor { span.set("tenancy.actor", actor) }
        }
        // A command id is scoped to its service: the same id sent to another service is another
        // command, with another result that its `service` tells apart from this one.
        var result = result
        result.service = String(source.split(separator: "/").last ?? Substring(source))
        let envelope = Envelope(
            id: id ?? "res_" + DerivedID.make(from: result.commandID, label: "result"),
            type: CommandResult.messageType,
            source: source,
            time: now,
            subject: result.commandID,
            correlationID: result.commandID,
            actor: actor,
            payload: JSONCoding.encode(result)
        )
        try enqueue(KafkaRecord(envelope, topic: topics.results, key: result.commandID), now: now, db: db)
        return envelope.payload
    }

    /// Queues a record, or parks it when it is larger than the producer may send: the outbox never
    /// holds a record that cannot go out.
    func enqueue(_ record: KafkaRecord, now: Date, db: Database) throws {
        let record = record.tracing(MessageTracing.current?.outgoing)
        let size = RecordLimits.size(of: record)
        guard size <= recordLimits.maxRecordBytes else {
            let reason = "the record is \(size) bytes; the producer sends at most \(recordLimits.maxRecordBytes)"
            metrics.outboxParked.increment()
            logger.error(
                "outbox record parked: it can never be published",
                metadata: [
                    "kafka.topic": "\(record.topic)", "ce_id": "\(record.header(Envelope.Header.id) ?? "")",
                    "ce_type": "\(record.header(Envelope.Header.type) ?? "")", "error": "\(reason)",
                ]
            )
            let deadLetter = DeadLetters(topic: topics.deadLetter, service: source, valueBytes: recordLimits.deadLetterValueBytes)
                .undeliverable(record, reason: reason)
            try Outbox.park(record, reason: reason, deadLetter: deadLetter, now: now, db: db)
            return
        }
        try Outbox.insert(record, now: now, db: db)
    }

    /// Copies an unusable record to the dead-letter topic with why and where it came from: at most
    /// a bounded prefix of its value, with the whole value's size and SHA-256 (``DeadLetters``).
    /// The caller's `authorization` header is dropped: credentials never reach another topic.
    func deadLetter(_ message: KafkaConsumedMessage, _ rejection: Rejection, now: Date, db: Database) throws {
        metrics.deadLettered()
        logger.warning(
            "dead-lettered a message",
            metadata: [
                "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                "error.code": "\(rejection.code)", "error.message": "\(rejection.message)",
            ]
        )
        let deadLetters = DeadLetters(topic: topics.deadLetter, service: source, valueBytes: recordLimits.deadLetterValueBytes)
        try Outbox.insert(deadLetters.unusable(message, rejection), now: now, db: db)
    }
}

extension KafkaRecord {
    /// This record carrying `context` (`ce_traceparent`, `ce_tracestate`) in place of any it had; as
    /// it is without one.
    func tracing(_ context: TraceContext?) -> KafkaRecord {
        guard let context else { return self }
        var record = self
        record.headers.removeAll { $0.name == Envelope.Header.traceparent || $0.name == Envelope.Header.tracestate }
        record.headers.append(KafkaHeader(name: Envelope.Header.traceparent, string: context.traceparent))
        if let state = context.state { record.headers.append(KafkaHeader(name: Envelope.Header.tracestate, string: state)) }
        return record
    }
}
