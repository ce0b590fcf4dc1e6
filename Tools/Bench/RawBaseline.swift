import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport

/// The same records through the same broker with librdkafka alone: produced to topic A, read and
/// produced to topic B by a relay, read from B - the two hops a command and its result take.
enum RawBaseline {
    struct Result: Codable {
        var messages: Int
        var averageRecordBytes: Int
        var seconds: Double
        var messagesPerSecond: Double
    }

    static func run(records: [KafkaRecord], bootstrapServers: String, prefix: String, partitions: Int32) async throws -> Result {
        let connection = KafkaConnection(bootstrapServers: bootstrapServers, clientID: "tenancy-bench-raw")
        let logger = Logger(label: "bench.raw")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: logger)
        defer { producer.close() }
        let first = "\(prefix).raw.first"
        let second = "\(prefix).raw.second"
        try producer.createTopicsIfMissing([
            TopicSpecification(name: first, partitions: partitions), TopicSpecification(name: second, partitions: partitions),
        ])
        let relayIn = try await reader(of: first, connection: connection, partitions: partitions)
        let finalIn = try await reader(of: second, connection: connection, partitions: partitions)
        let retargeted = records.map { KafkaRecord(topic: first, key: $0.key, value: $0.value, headers: $0.headers) }

        let start = ContinuousClock.now
        let producing = Task {
            for chunk in stride(from: 0, to: retargeted.count, by: 10_000) {
                _ = await producer.send(Array(retargeted[chunk..<min(chunk + 10_000, retargeted.count)]))
            }
        }
        let relayed = Atomic<Int>(0)
        let relay = Task {
            var sends: [Task<Void, Never>] = []
            while relayed.load(ordering: .relaxed) < records.count {
                let batch = (try? await relayIn.poll(maxMessages: 10_000, timeout: .milliseconds(50))) ?? []
                guard !batch.isEmpty else { continue }
                relayed.add(batch.count, ordering: .relaxed)
                let forwarded = batch.map { KafkaRecord(topic: second, key: $0.key, value: $0.value, headers: $0.headers) }
                sends.append(Task { _ = await producer.send(forwarded) })
            }
            for send in sends { await send.value }
        }
        var received = 0
        let deadline = ContinuousClock.now + .seconds(1_800)
        while received < records.count {
            guard ContinuousClock.now < deadline else { throw TestSupportError("raw baseline: \(received) of \(records.count) arrived") }
            received += try await finalIn.poll(maxMessages: 10_000, timeout: .milliseconds(50)).count
        }
        let seconds = (ContinuousClock.now - start).seconds
        await producing.value
        await relay.value
        await relayIn.close()
        await finalIn.close()
        let bytes = records.reduce(0) {
            $0 + ($1.value?.count ?? 0) + ($1.key?.count ?? 0) + $1.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.count }
        }
        return Result(
            messages: records.count,
            averageRecordBytes: bytes / max(records.count, 1),
            seconds: seconds,
            messagesPerSecond: Double(records.count) / seconds
        )
    }

    static func reader(of topic: String, connection: KafkaConnection, partitions: Int32) async throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(connection: connection), logger: Logger(label: "bench.raw"))
        try consumer.assign(Dictionary(uniqueKeysWithValues: (0..<partitions).map { (TopicPartition(topic: topic, partition: $0), Int64(-2)) }))
        return consumer
    }
}
