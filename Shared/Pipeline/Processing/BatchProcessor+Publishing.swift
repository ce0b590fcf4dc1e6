import Foundation
import GRDB
import Hashing
import Kafka
import Models

extension BatchProcessor {
    /// Queues one of this service's events. Its id is derived from the cause's id, this service and
    /// the event's position: services reacting to the same event never publish the same id.
    func publish(_ event: DomainEvent, index: Int, cause: String, context: DecisionContext, db: Database) throws {
        guard let topic = topics.events else {
            preconditionFailure("a service without an event topic emitted \(type(of: event.message).messageType)")
        }
        let eventID: EventID = context.newID("\(source).event.\(index)")
        let envelope = Envelope(
            id: eventID.rawValue,
            type: type(of: event.message).messageType,
            source: source,
            time: context.now,
            subject: event.subject,
            correlationID: cause,
            payload: JSONCoding.encode(event.message)
        )
        try enqueue(envelope, topic: topic, key: event.subject, now: context.now, db: db)
    }

    /// Queues the command's result, keyed by the command id and naming this service. Its event id
    /// is derived from the command id, so every copy of one result carries the same `ce_id`.
    /// Returns the published payload.
    @discardableResult
    func publish(result: CommandResult, now: Date, db: Database, counted: Bool = true, id: String? = nil) throws -> Data {
        if counted {
            metrics.command(type: result.commandType, status: result.status, code: result.error?.code)
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
            payload: JSONCoding.encode(result)
        )
        try enqueue(envelope, topic: topics.results, key: result.commandID, now: now, db: db)
        return envelope.payload
    }

    func enqueue(_ envelope: Envelope, topic: String, key: String, now: Date, db: Database) throws {
        try Outbox.enqueue(envelope, topic: topic, key: key, now: now, db: db)
    }

    /// Copies an unusable record to the dead-letter topic with why and where it came from.
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
        var headers = message.headers.filter { $0.name.lowercased() != Envelope.Header.authorization }
        headers += [
            KafkaHeader(name: DeadLetterHeader.errorCode, string: rejection.code.rawValue),
            KafkaHeader(name: DeadLetterHeader.errorMessage, string: rejection.message),
            KafkaHeader(name: DeadLetterHeader.originalTopic, string: message.topic),
            KafkaHeader(name: DeadLetterHeader.originalPartition, string: String(message.partition)),
            KafkaHeader(name: DeadLetterHeader.originalOffset, string: String(message.offset)),
            KafkaHeader(name: DeadLetterHeader.service, string: source),
        ]
        try Outbox.insert(KafkaRecord(topic: topics.deadLetter, key: message.key, value: message.value, headers: headers), now: now, db: db)
    }
}
