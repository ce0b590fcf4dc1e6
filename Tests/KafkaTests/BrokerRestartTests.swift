import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// What the outbox relay relies on when the broker comes back empty (Tansu keeps its state in
/// memory): records sent while it was away time out - they are never silently dropped or left
/// hanging - and a new producer delivers through the restarted broker. (The old producer cannot:
/// librdkafka bumps its epoch locally and an empty broker refuses the unknown producer id forever.)
@Suite("Kafka producer across a broker restart", .serialized, .timeLimit(.minutes(5)))
struct ProducerBrokerRestartTests {
    @Test func recordsTimeOutAndANewProducerDelivers() async throws {
        let logger = Logger(label: "test.kafka")
        var broker = try await TansuBroker.start()
        defer { broker.stop() }
        var configuration = KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers))
        configuration.messageTimeoutMilliseconds = 8_000
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        defer { producer.close(timeout: .zero) }
        let topic = "restart.\(UUID().uuidString.prefix(8))"
        try producer.createTopicsIfMissing([TopicSpecification(name: topic, partitions: 2)])
        for result in await producer.send((0..<10).map { KafkaRecord(topic: topic, key: Data("k\($0)".utf8), value: Data("before \($0)".utf8)) }) {
            _ = try result.get()
        }

        broker.stop()
        let waiting = Task {
            await producer.send((0..<10).map { KafkaRecord(topic: topic, key: Data("k\($0)".utf8), value: Data("while away \($0)".utf8)) })
        }
        try await Task.sleep(for: .seconds(1))
        broker = try await TansuBroker.start(port: broker.port)
        try producer.createTopicsIfMissing([TopicSpecification(name: topic, partitions: 2)])
        let outcomes = await waiting.value
        #expect(outcomes.allSatisfy { if case .failure(let error) = $0 { error.isMessageTimeout } else { true } })
        #expect(producer.isClusterReachable(timeoutMilliseconds: 2_000))

        let fresh = try KafkaProducer(configuration: configuration, logger: logger)
        defer { fresh.close() }
        let delivered = await fresh.send((0..<10).map { KafkaRecord(topic: topic, key: Data("k\($0)".utf8), value: Data("again \($0)".utf8)) })
        #expect(delivered.allSatisfy { (try? $0.get()) != nil })
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topic)
        let read = try await reader.read(timeout: .seconds(30)) { $0.count >= 10 }
        #expect(Set(read.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }).isSuperset(of: (0..<10).map { "again \($0)" }))
        await reader.close()
    }
}
