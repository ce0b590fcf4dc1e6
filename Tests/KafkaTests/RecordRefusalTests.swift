import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// Which failures of a record are for good, and the producer's size limit that causes the commonest one.
@Suite("Records refused for good", .serialized, .timeLimit(.minutes(3)))
struct RecordRefusalTests {
    @Test func refusalsOfTheRecordItselfArePermanentAndPassingTroublesAreNot() {
        // Too large, the broker's record-list limit, an invalid record, a topic not allowed, an invalid timestamp.
        for code: Int32 in [10, 18, 87, 29, 32] {
            #expect(KafkaError(.delivery, "refused", rdKafkaError: code).isPermanentRecordRefusal, "\(code)")
        }
        #expect(KafkaError(.produce, "too large", rdKafkaError: 10).isPermanentRecordRefusal)
        // Timed out, unknown topic or partition, not the leader, fatal producer error, no code at all.
        for code: Int32? in [-192, 3, -188, 6, -150, nil] {
            #expect(!KafkaError(.delivery, "not now", rdKafkaError: code).isPermanentRecordRefusal, "\(String(describing: code))")
        }
        #expect(!KafkaError(.closed, "too large", rdKafkaError: 10).isPermanentRecordRefusal)
    }

    @Test func aRecordOverTheProducersLimitIsRefusedForGoodAndTheNextGoesOut() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        func producer(maxMessageBytes: Int) throws -> KafkaProducer {
            var configuration = KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers))
            configuration.maxMessageBytes = maxMessageBytes
            return try KafkaProducer(configuration: configuration, logger: Logger(label: "test.refusal"))
        }
        let small = try producer(maxMessageBytes: 300_000)
        defer { small.close() }
        try small.createTopicsIfMissing([TopicSpecification(name: "refusal", partitions: 1)])
        let key = Data("same-key".utf8)
        let sent = await small.send([
            KafkaRecord(topic: "refusal", key: key, value: Data(repeating: 65, count: 400_000)),
            KafkaRecord(topic: "refusal", key: key, value: Data("after".utf8)),
        ])
        #expect(throws: KafkaError.self) { try sent[0].get() }
        #expect(sent[0].failure?.isPermanentRecordRefusal == true)
        #expect((try? sent[1].get()) != nil)

        // A limit above librdkafka's default lets a 1.2 MB record through.
        let large = try producer(maxMessageBytes: 2_000_000)
        defer { large.close() }
        #expect((try? await large.send(KafkaRecord(topic: "refusal", key: key, value: Data(repeating: 66, count: 1_200_000)))) != nil)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
