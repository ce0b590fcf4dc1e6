import Foundation
import Kafka
import Logging
import Models
import Synchronization
import TestSupport

/// The same records through the same broker with librdkafka alone: produced to topic A, read and
/// produced to topic B by a relay, read from B - the two hops a command and its result take. Like
/// for like, the relay produces for each record it reads what a service produces for a command (its
/// events and its result, of their sizes) instead of the record itself.
enum RawBaseline {
    struct Result: Codable {
        var messages: Int
        var averageRecordBytes: Int
        /// Sizes of the records the relay produces for each one it reads; empty: the record itself.
        var relayedRecordBytes: [Int]
        var seconds: Double
        /// Records produced to A (commands) per second, all their relayed records read from B.
        var messagesPerSecond: Double
    }

    /// - Parameter relaying: the sizes of the records the relay produces for each it reads (a
    ///   command's events and result); empty: the record itself.
    static func run(
        records: [KafkaRecord],
        relaying sizes: [Int] = [],
        bootstrapServers: String,
        prefix: String,
        partitions: Int32
    ) async throws -> Result {
        let connection = KafkaConnection(bootstrapServers: bootstrapServers, clientID: "tenancy-bench-raw")
        let logger = Logger(label: "bench.raw")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: logger)
        defer { producer.close() }
        let run = sizes.isEmpty ? "raw" : "raw-like"
        let first = "\(prefix).\(run).first"
        let second = "\(prefix).\(run).second"
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
                let forwarded =
                    sizes.isEmpty
                    ? batch.map { KafkaRecord(topic: second, key: $0.key, value: $0.value, headers: $0.headers) }
                    : batch.flatMap { read in sizes.map { KafkaRecord(topic: second, key: read.key, value: Data(repeating: 0x7b, count: $0)) } }
                sends.append(Task { _ = await producer.send(forwarded) })
            }
            for send in sends { await send.value }
        }
        var received = 0
        let expected = records.count * max(sizes.count, 1)
        let deadline = ContinuousClock.now + .seconds(1_800)
        while received < expected {
            guard ContinuousClock.now < deadline else { throw TestSupportError("raw baseline: \(received) of \(expected) arrived") }
            received += try await finalIn.poll(maxMessages: 10_000, timeout: .milliseconds(50)).count
        }
        let seconds = (ContinuousClock.now - start).seconds
        await producing.value
        await relay.value
        await relayIn.close()
        await finalIn.close()
        return Result(
            messages: records.count,
            averageRecordBytes: records.reduce(0) { $0 + size(key: $1.key, value: $1.value, headers: $1.headers) } / max(records.count, 1),
            relayedRecordBytes: sizes,
            seconds: seconds,
            messagesPerSecond: Double(records.count) / seconds
        )
    }

    /// Bytes of a record as produced: key, value and headers.
    static func size(key: Data?, value: Data?, headers: [KafkaHeader]) -> Int {
        (value?.count ?? 0) + (key?.count ?? 0) + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.count }
    }

    /// The sizes of what Sharing produced for one command: as many events of the average size on
    /// `events` as it published per command it answered, and a result of the average size of its
    /// results on `results` (which Lifecycle's results share).
    static func outputSizes(events: String, results: String, bootstrapServers: String) async throws -> [Int] {
        func everything(on topic: String) async throws -> [KafkaConsumedMessage] {
            let reader = try await TopicReader(bootstrapServers: bootstrapServers, topic: topic)
            let records = try await reader.readAll(quiet: .seconds(2))
            await reader.close()
            return records
        }
        func averageSize(_ records: [KafkaConsumedMessage]) -> Int {
            records.reduce(0) { $0 + size(key: $1.key, value: $1.value, headers: $1.headers) } / max(records.count, 1)
        }
        let published = try await everything(on: events)
        let answers = try await everything(on: results).filter { $0.header(Envelope.Header.source) == "/tenancy/sharing" }
        let perCommand = max(1, Int((Double(published.count) / Double(max(answers.count, 1))).rounded()))
        return Array(repeating: averageSize(published), count: perCommand) + [averageSize(answers)]
    }

    static func reader(of topic: String, connection: KafkaConnection, partitions: Int32) async throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(connection: connection), logger: Logger(label: "bench.raw"))
        try consumer.assign(
            Dictionary(uniqueKeysWithValues: (0..<partitions).map { (TopicPartition(topic: topic, partition: $0), KafkaConsumer.beginning) })
        )
        return consumer
    }
}
