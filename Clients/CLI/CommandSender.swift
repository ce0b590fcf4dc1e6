import ArgumentParser
import Crypto
import Foundation
import Hashing
import Kafka
import Logging
import Messaging
import Models
import Sealing

/// Produces one command and waits for its result on the results topic.
///
/// It starts reading every partition of the results topic at its current end *before* producing,
/// so the result cannot slip by, and keeps the one whose subject is the command id and that comes
/// from the service it sent to: a command id is scoped to its caller and its service, so the same
/// id sent to another service is another command, whose result is not this one.
struct CommandSender {
    let options: ClientOptions
    let logger: Logger

    enum Outcome {
        case result(CommandResult)
        case sent(commandID: String)
    }

    struct Timeout: Error, CustomStringConvertible {
        var commandID: String
        var seconds: Double
        var description: String {
            "no result within \(seconds) s for command \(commandID); it may still be processed. Retry with --command-id \(commandID) to get its result without running it twice."
        }
    }

    /// - Parameter authenticated: false for the one command whose payload carries its own proof
    ///   (accepting an invitation), which is sent without an `authorization` header.
    /// - Parameters:
    ///   - id: the command id; default `--command-id`, else a new UUID.
    ///   - credential: acts with this credential instead of the configured one.
    func send<M: Message>(
        _ command: M,
        to topic: String,
        key: String,
        id: String? = nil,
        credential override: Credential? = nil,
        authenticated: Bool = true
    ) async throws -> Outcome {
        let commandID = id ?? options.commandID ?? CommandID.make()
        return try await CommandTrace.run(M.messageType, commandID: commandID, endpoint: options.otlpEndpoint, logger: logger) { trace in
            try await send(
                command,
                to: topic,
                key: key,
                id: commandID,
                trace: trace,
                credential: authenticated ? try override ?? options.credential() : nil
            )
        }
    }

    private func send<M: Message>(
        _ command: M,
        to topic: String,
        key: String,
        id commandID: String,
        trace: TraceContext,
        credential: Credential?
    ) async throws -> Outcome {
        let connection = try options.connection
        guard let service = Topics.service(takingCommandsOn: topic) else { throw ValidationError("no service takes commands on '\(topic)'") }
        // A new key pair per command: its result's one-time secrets are sealed to the public half.
        let replyKey = Curve25519.KeyAgreement.PrivateKey()
        var envelope = Envelope(
            id: commandID,
            type: M.messageType,
            source: "/tenancy/cli",
            time: Date(),
            subject: key,
            replyKey: SecretSeal.encode(replyKey.publicKey),
            traceContext: trace,
            payload: JSONCoding.encode(command)
        )
        if let credential { envelope = credential.signing(envelope, recordKey: key, service: service) }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: logger)
        defer { producer.close() }
        let consumer = options.noWait ? nil : try resultConsumer(connection: connection)
        try await producer.send(KafkaRecord(envelope, topic: topic, key: key))
        // The consumer only has an assignment, no group to leave: releasing it is enough.
        guard let consumer else { return .sent(commandID: commandID) }
        let deadline = ContinuousClock.now + .milliseconds(Int(options.timeout * 1_000))
        while ContinuousClock.now < deadline {
            for message in try await consumer.poll(maxMessages: 500, timeout: .milliseconds(200))
            where message.header(Envelope.Header.subject) == commandID {
                if let value = message.value, var result = try? JSONCoding.decode(CommandResult.self, from: value),
                    Self.comes(result, source: message.header(Envelope.Header.source), from: service)
                {
                    if let sealed = result.sealedSecrets {
                        result.secrets = try SecretSeal.open(sealed, with: replyKey, for: .result(commandID: commandID))
                        result.sealedSecrets = nil
                    }
                    return .result(result)
                }
            }
        }
        throw Timeout(commandID: commandID, seconds: options.timeout)
    }

    /// Whether a result comes from `service`: by its `service`, or by its `ce_source`
    /// (`/tenancy/<service>`) when it has none.
    static func comes(_ result: CommandResult, source: String?, from service: String) -> Bool {
        (result.service ?? source?.split(separator: "/").last.map(String.init)) == service
    }

    private func resultConsumer(connection: KafkaConnection) throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(connection: connection), logger: logger)
        let topic = options.topics.commandResults
        let partitions = try consumer.partitionCount(of: topic)
        var start: [TopicPartition: Int64] = [:]
        for partition in 0..<partitions {
            let topicPartition = TopicPartition(topic: topic, partition: partition)
            start[topicPartition] = try consumer.watermarks(of: topicPartition).high
        }
        try consumer.assign(start)
        return consumer
    }
}
