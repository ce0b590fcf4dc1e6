import Foundation
import Kafka
import Logging
import Models

/// Sends command records one by one and waits for each one's result: for tests that look at single
/// commands, such as replays and tampered copies of one.
public final class OneCommandAtATime: Sendable {
    public let producer: KafkaProducer
    private let results: TopicReader

    public init(bootstrapServers: String, topics: Topics) async throws {
        producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: bootstrapServers)),
            logger: Logger(label: "tests.commands")
        )
        results = try await TopicReader(bootstrapServers: bootstrapServers, topic: topics.commandResults)
    }

    /// Produces `record` and returns the first result for its `ce_id` (its sealed secrets opened
    /// when they were sealed to ``TestReplyKey``).
    public func send(_ record: KafkaRecord, timeout: Duration = .seconds(20)) async throws -> CommandResult {
        guard let id = record.header(Envelope.Header.id) else { throw TestSupportError("the record has no ce_id") }
        for outcome in await producer.send([record]) { _ = try outcome.get() }
        let read = try await results.read(timeout: timeout) { !$0.results(for: id).isEmpty }
        guard let result = read.results(for: id).first else { throw TestSupportError("no result for \(id)") }
        return result
    }

    public func close() async {
        await results.close()
        producer.close()
    }
}
