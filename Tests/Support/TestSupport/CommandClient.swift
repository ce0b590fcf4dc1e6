import Foundation
import Hashing
import Kafka
import Logging
import Models

/// Produces commands as a client would and waits for their results (load generators' setup).
public struct CommandClient: Sendable {
    public let producer: KafkaProducer
    public let results: ResultWatcher
    public let topics: Topics
    /// Sends again what a service answers `unavailable`, when given; it must be running.
    public let retrier: UnavailableRetrier?

    public init(producer: KafkaProducer, results: ResultWatcher, topics: Topics, retrier: UnavailableRetrier? = nil) {
        self.producer = producer
        self.results = results
        self.topics = topics
        self.retrier = retrier
    }

    /// Produces commands, kept by the retrier to be sent again when answered `unavailable`.
    public func send(_ commands: [(id: String, record: KafkaRecord)]) async -> [Result<DeliveryReport, KafkaError>] {
        retrier?.register(commands)
        return await producer.send(commands.map(\.record))
    }

    /// A command record with its id: a CloudEvents envelope in headers, keyed by the workspace it acts in.
    public static func record<M: Message>(
        _ command: M,
        topic: String,
        key: String,
        credential: Credential,
        id: String = CommandID.make()
    ) -> (id: String, record: KafkaRecord) {
        (id, CommandFactory.record(command, topic: topic, id: id, key: key, credential: credential))
    }

    /// Sends commands and returns their results in order; any refusal is an error.
    public func run(_ commands: [(id: String, record: KafkaRecord)], what: String) async throws -> [CommandResult] {
        let ids = commands.map(\.id)
        results.keepValues(of: ids)
        for chunk in stride(from: 0, to: commands.count, by: 5_000).map({ Array(commands[$0..<min($0 + 5_000, commands.count)]) }) {
            let failures = await send(chunk).filter { if case .failure = $0 { true } else { false } }
            guard failures.isEmpty else { throw TestSupportError("\(what): \(failures.count) records could not be produced: \(failures[0])") }
        }
        let arrivals = try await results.wait(for: ids, timeout: .seconds(600))
        return try ids.map { id in
            guard let value = arrivals[id]?.value, let result = CommandResult.openingSecrets(value) else {
                throw TestSupportError("\(what): no readable result for \(id)")
            }
            guard result.status == .accepted else { throw TestSupportError("\(what) was refused: \(result.error?.description ?? "?")") }
            return result
        }
    }
}
