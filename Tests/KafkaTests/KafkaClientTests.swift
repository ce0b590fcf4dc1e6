import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

/// The librdkafka wrapper against a real Tansu broker.
@Suite("Kafka wrapper against Tansu", .serialized, .timeLimit(.minutes(3)))
struct KafkaClientTests {
    let logger = Logger(label: "test.kafka")

    func producer(_ broker: TansuBroker) throws -> KafkaProducer {
        try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: logger
        )
    }

    @Test func producesWithHeadersAndKeysAndReadsThemBackInOrder() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try producer(broker)
        try producer.createTopicsIfMissing([TopicSpecification(name: "wrapper.order", partitions: 3)])
        #expect(try producer.partitionCount(of: "wrapper.order") == 3)
        // Creating again is not an error.
        try producer.createTopicsIfMissing([TopicSpecification(name: "wrapper.order", partitions: 3)])

        let records = (0..<300).map { index in
            KafkaRecord(
                topic: "wrapper.order",
                key: Data("key-\(index % 7)".utf8),
                value: Data("value-\(index)".utf8),
                headers: [
                    KafkaHeader(name: "ce_id", string: "id-\(index)"), KafkaHeader(name: "binary", value: Data([0, 255, index % 2 == 0 ? 1 : 2])),
                ]
            )
        }
        let reports = await producer.send(records)
        #expect(reports.allSatisfy { (try? $0.get()) != nil })

        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: "wrapper.order")
        let read = try await reader.read { $0.count >= 300 }
        #expect(read.count == 300)
        // Same key -> same partition, in production order.
        for key in 0..<7 {
            let values = read.filter { $0.key == Data("key-\(key)".utf8) }
            #expect(Set(values.map(\.partition)).count == 1)
            let indexes = values.map { Int(String(decoding: $0.value!, as: UTF8.self).dropFirst("value-".count))! }
            #expect(indexes == indexes.sorted())
        }
        let first = try #require(read.first { $0.header("ce_id") == "id-0" })
        #expect(first.headers.first { $0.name == "binary" }?.value == Data([0, 255, 1]))
        // Delivery reports name where each record went.
        let report = try reports[0].get()
        #expect(read.contains { $0.partition == report.partition && $0.offset == report.offset && $0.header("ce_id") == "id-0" })
        await reader.close()
        #expect(producer.close())
    }

    @Test func groupConsumerResumesFromSuppliedOffsets() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try producer(broker)
        try producer.createTopicsIfMissing([TopicSpecification(name: "wrapper.resume", partitions: 1)])
        _ = await producer.send((0..<10).map { KafkaRecord(topic: "wrapper.resume", key: nil, value: Data("\($0)".utf8)) })

        var configuration = KafkaConsumerConfiguration(
            connection: KafkaConnection(bootstrapServers: broker.bootstrapServers),
            groupID: "resume-group"
        )
        configuration.sessionTimeoutMilliseconds = 6_000
        configuration.heartbeatIntervalMilliseconds = 500
        // The service's store says offsets 0...6 are done: the consumer must start at 7.
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger) { partitions in
            Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(7)) })
        }
        try consumer.subscribe(topics: ["wrapper.resume"])
        var read: [KafkaConsumedMessage] = []
        try await Wait.until("3 messages read", timeout: .seconds(60)) {
            read += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(200))
            return read.count >= 3
        }
        #expect(read.map(\.offset) == [7, 8, 9])
        #expect(consumer.assignment == [TopicPartition(topic: "wrapper.resume", partition: 0)])
        await consumer.close()
        #expect(consumer.assignment.isEmpty)
        producer.close()
    }

    /// A replaced client joins again, with a new reader of the followed topic, and both resume
    /// from the offsets the owner supplies: nothing read twice, nothing skipped, on either topic.
    @Test func aReplacedClientRejoinsAndResumesFromSuppliedOffsets() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try producer(broker)
        defer { producer.close() }
        let topics = ["wrapper.replace", "wrapper.replace.followed"]
        try producer.createTopicsIfMissing(topics.map { TopicSpecification(name: $0, partitions: 1) })
        func send(_ values: Range<Int>) async {
            _ = await producer.send(topics.flatMap { topic in values.map { KafkaRecord(topic: topic, key: nil, value: Data("\($0)".utf8)) } })
        }
        await send(0..<5)

        var configuration = KafkaConsumerConfiguration(
            connection: KafkaConnection(bootstrapServers: broker.bootstrapServers),
            groupID: "replace-group"
        )
        configuration.sessionTimeoutMilliseconds = 6_000
        configuration.heartbeatIntervalMilliseconds = 500
        // What the service's store says is done, as it would after each batch.
        let stored = Mutex<Int64>(0)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger) { partitions in
            let next = stored.withLock { $0 }
            return Dictionary(uniqueKeysWithValues: partitions.map { ($0, next) })
        }
        try consumer.subscribe(topics: topics)
        var read: [KafkaConsumedMessage] = []
        try await Wait.until("the first 5 of each topic read", timeout: .seconds(60)) {
            read += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(200))
            return read.count >= 10
        }
        stored.withLock { $0 = 5 }

        try await consumer.replaceClient(subscribingTo: topics)
        #expect(!consumer.lostPartitions)
        await send(5..<8)
        try await Wait.until("the next 3 of each read through the new clients", timeout: .seconds(60)) {
            read += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(200))
            return read.count >= 16
        }
        for topic in topics {
            #expect(read.filter { $0.topic == topic }.map(\.offset) == Array(0..<8), "\(topic)")
        }
        #expect(consumer.assignment == Set(topics.map { TopicPartition(topic: $0, partition: 0) }))
        #expect(Set(consumer.numberedAssignment.values).count == 1, "a task's partitions share one assignment number")
        await consumer.close()
    }

    @Test func unreachableClusterFailsDeliveryInsteadOfHanging() async throws {
        let port = try FreePort.next()
        var configuration = KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: "127.0.0.1:\(port)"))
        configuration.messageTimeoutMilliseconds = 1_500
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        #expect(!producer.isClusterReachable(timeoutMilliseconds: 300))
        let results = await producer.send([KafkaRecord(topic: "nowhere", key: nil, value: Data("x".utf8))])
        #expect {
            try results[0].get()
        } throws: { ($0 as! KafkaError).code == .delivery }
        producer.close(timeout: .milliseconds(100))
    }

    @Test func badPropertyIsAConfigurationError() {
        var connection = KafkaConnection()
        connection.properties["no.such.property"] = "1"
        #expect {
            try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: logger)
        } throws: { ($0 as! KafkaError).code == .configuration && "\($0)".contains("no.such.property") }
    }
}
