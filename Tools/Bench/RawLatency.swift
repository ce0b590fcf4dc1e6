import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport

/// The latency floor of the broker for two hops: records produced at a fixed rate to topic A, polled
/// and produced to topic B by a relay the moment they arrive, read from B; librdkafka alone, with the
/// services' client settings (fetch wait, linger), through the same broker as the services.
enum RawLatency {
    struct Result: Codable {
        var records: Int
        var ratePerSecond: Int
        var latency: Percentiles
    }

    /// Names each record by its position, so that its arrival can be matched to its send.
    static let indexHeader = "bench-index"

    static func run(records: [KafkaRecord], ratePerSecond: Int, bootstrapServers: String, prefix: String, partitions: Int32) async throws -> Result {
        let connection = KafkaConnection(bootstrapServers: bootstrapServers, clientID: "tenancy-bench-raw-latency")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(connection: connection), logger: Logger(label: "bench.raw"))
        defer { producer.close() }
        let first = "\(prefix).raw.latency.first"
        let second = "\(prefix).raw.latency.second"
        try producer.createTopicsIfMissing([
            TopicSpecification(name: first, partitions: partitions), TopicSpecification(name: second, partitions: partitions),
        ])
        let relayIn = try await RawBaseline.reader(of: first, connection: connection, partitions: partitions)
        let finalIn = try await RawBaseline.reader(of: second, connection: connection, partitions: partitions)
        let numbered = records.enumerated().map { index, record in
            KafkaRecord(
                topic: first,
                key: record.key,
                value: record.value,
                headers: record.headers + [KafkaHeader(name: indexHeader, string: String(index))]
            )
        }

        try await warmUp(producer: producer, relayIn: relayIn, finalIn: finalIn, first: first, second: second)

        let stop = Atomic<Bool>(false)
        defer { stop.store(true, ordering: .relaxed) }
        let relay = Task {
            var sends: [Task<Void, Never>] = []
            while !stop.load(ordering: .relaxed) {
                let batch = (try? await relayIn.poll(maxMessages: 2_000, timeout: .milliseconds(50))) ?? []
                guard !batch.isEmpty else { continue }
                let forwarded = batch.map { KafkaRecord(topic: second, key: $0.key, value: $0.value, headers: $0.headers) }
                sends.append(Task { _ = await producer.send(forwarded) })
            }
            for send in sends { await send.value }
        }
        let arrivals = Task {
            var arrived = [ContinuousClock.Instant?](repeating: nil, count: records.count)
            var count = 0
            let deadline = ContinuousClock.now + .seconds(600)
            while count < records.count, ContinuousClock.now < deadline {
                for message in try await finalIn.poll(maxMessages: 10_000, timeout: .milliseconds(50)) {
                    guard let index = message.header(indexHeader).flatMap(Int.init), arrived.indices.contains(index), arrived[index] == nil else {
                        continue
                    }
                    arrived[index] = .now
                    count += 1
                }
            }
            return arrived
        }
        let sent = try await PacedSend.run(numbered, ratePerSecond: ratePerSecond, producer: producer)
        let arrived = try await arrivals.value
        stop.store(true, ordering: .relaxed)
        await relay.value
        await relayIn.close()
        await finalIn.close()
        let milliseconds = try zip(sent, arrived).map { sent, arrived in
            guard let arrived else { throw TestSupportError("raw latency: not every record arrived within 10 minutes") }
            return (arrived - sent.at).seconds * 1_000
        }.sorted()
        return Result(records: records.count, ratePerSecond: ratePerSecond, latency: Percentiles(sorted: milliseconds))
    }

    /// One record through both hops before the clock starts: new topics' first fetches wait for
    /// metadata (about 2 s on Tansu), which is not what is measured.
    private static func warmUp(producer: KafkaProducer, relayIn: KafkaConsumer, finalIn: KafkaConsumer, first: String, second: String) async throws {
        _ = try await producer.send(KafkaRecord(topic: first, key: nil, value: Data("warm-up".utf8), headers: []))
        var relayed: [KafkaConsumedMessage] = []
        try await Wait.until("the warm-up record reached the relay", timeout: .seconds(60)) {
            relayed = (try? await relayIn.poll(maxMessages: 1, timeout: .milliseconds(50))) ?? []
            return !relayed.isEmpty
        }
        _ = try await producer.send(KafkaRecord(topic: second, key: nil, value: relayed[0].value, headers: []))
        try await Wait.until("the warm-up record came through", timeout: .seconds(60)) {
            await !((try? finalIn.poll(maxMessages: 1, timeout: .milliseconds(50))) ?? []).isEmpty
        }
    }
}
