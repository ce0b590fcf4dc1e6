import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// End-of-partition reports against Tansu, whose watermarks under-report (the last batch's base
/// offset + 1): the replica freshness check relies on these reports instead.
@Suite("Partition ends against Tansu", .serialized, .timeLimit(.minutes(3)))
struct PartitionEndTests {
    let logger = Logger(label: "test.kafka.ends")

    @Test func aConsumerReportsEachEndItReachesAfterBatchesOfManyRecords() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: logger
        )
        defer { producer.close() }
        try producer.createTopicsIfMissing([TopicSpecification(name: "ends.topic", partitions: 2)])
        let partition0 = TopicPartition(topic: "ends.topic", partition: 0)
        let partition1 = TopicPartition(topic: "ends.topic", partition: 1)
        // Sent at once, so librdkafka packs them into batches of many records.
        let first = await producer.send((0..<100).map { KafkaRecord(topic: "ends.topic", partition: 0, key: nil, value: Data("\($0)".utf8)) })
        #expect(first.allSatisfy { (try? $0.get()) != nil })

        var configuration = KafkaConsumerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers))
        configuration.reportsPartitionEnds = true
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.assign([partition0: -2, partition1: -2])
        var read: [KafkaConsumedMessage] = []
        var ends: [PartitionEnd] = []
        try await Wait.until("both ends reached", timeout: .seconds(30)) {
            let poll = try await consumer.pollReportingEnds(maxMessages: 1_000, timeout: .milliseconds(100))
            read += poll.messages
            ends += poll.ends
            return ends.contains(PartitionEnd(partition: partition0, offset: 100)) && ends.contains(PartitionEnd(partition: partition1, offset: 0))
        }
        #expect(read.map(\.offset) == Array(0..<100))
        // Each end is reported once: polling on while nothing is appended reports nothing new.
        let quiet = try await consumer.pollReportingEnds(maxMessages: 1_000, timeout: .milliseconds(500))
        #expect(quiet.messages.isEmpty && quiet.ends.isEmpty)

        _ = await producer.send((0..<10).map { KafkaRecord(topic: "ends.topic", partition: 0, key: nil, value: Data("\($0)".utf8)) })
        var later: [PartitionEnd] = []
        try await Wait.until("the new end reached", timeout: .seconds(30)) {
            let poll = try await consumer.pollReportingEnds(maxMessages: 1_000, timeout: .milliseconds(100))
            read += poll.messages
            later += poll.ends
            return later.contains(PartitionEnd(partition: partition0, offset: 110))
        }
        #expect(read.count == 110)
        #expect(!later.contains { $0.partition == partition1 })
        // What the fetch responses said, where the end reports come from (a watermark query
        // answers 101 here on Tansu 0.6.0: the last batch's base offset + 1).
        #expect(consumer.cachedHighWatermark(of: partition0) == 110)
        await consumer.close()
    }
}
