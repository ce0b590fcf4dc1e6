import Foundation
import Kafka
import Logging
import Models

/// Reads a topic from the beginning of every partition, without a consumer group.
public final class TopicReader: Sendable {
    private let consumer: KafkaConsumer
    public let topic: String

    public init(bootstrapServers: String, topic: String) async throws {
        self.topic = topic
        consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(connection: KafkaConnection(bootstrapServers: bootstrapServers)),
            logger: Logger(label: "test.reader")
        )
        var partitions: Int32 = 0
        try await Wait.until("topic \(topic) exists", timeout: .seconds(30)) {
            partitions = (try? consumer.partitionCount(of: topic, timeoutMilliseconds: 1_000)) ?? 0
            return partitions > 0
        }
        var start: [TopicPartition: Int64] = [:]
        for partition in 0..<partitions { start[TopicPartition(topic: topic, partition: partition)] = -2 }
        try consumer.assign(start)
    }

    /// Reads until `done` holds for everything read so far, or fails after `timeout`.
    public func read(timeout: Duration = .seconds(60), until done: ([KafkaConsumedMessage]) -> Bool) async throws -> [KafkaConsumedMessage] {
        var messages: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + timeout
        while !done(messages) {
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("timed out reading \(topic): \(messages.count) messages so far")
            }
            messages += try await consumer.poll(maxMessages: 5_000, timeout: .milliseconds(100))
        }
        return messages
    }

    /// The sum of the partitions' high watermarks, from the broker. It grows whenever records are
    /// appended, but with Tansu it is no count: Tansu reports the last batch's base offset + 1
    /// (measured with 0.6.0: 111 records in batches of 1, 10 and 100 give 12). Use ``readAll(quiet:timeout:)`` to get everything.
    public func recordCount() throws -> Int64 {
        let partitions = try consumer.partitionCount(of: topic)
        return try (0..<partitions).reduce(0) { total, partition in
            total + (try consumer.watermarks(of: TopicPartition(topic: topic, partition: partition)).high)
        }
    }

    /// Everything the topic holds: reads at least up to each partition's end as the broker gives it
    /// when called (with Tansu, the base offset of the last batch, whose records come together), then
    /// until nothing new has come for `quiet`. A slow first fetch therefore cannot end the read early.
    public func readAll(quiet: Duration = .seconds(2), timeout: Duration = .seconds(180)) async throws -> [KafkaConsumedMessage] {
        let partitions = try consumer.partitionCount(of: topic)
        var unreached: [Int32: Int64] = [:]
        for partition in 0..<partitions {
            let high = try consumer.watermarks(of: TopicPartition(topic: topic, partition: partition)).high
            if high > 0 { unreached[partition] = high - 1 }
        }
        var messages: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + timeout
        var lastNews = ContinuousClock.now
        while !unreached.isEmpty || ContinuousClock.now - lastNews < quiet {
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("\(topic): not read to its end, or kept growing, for \(timeout)")
            }
            let batch = try await consumer.poll(maxMessages: 5_000, timeout: .milliseconds(100))
            if !batch.isEmpty { lastNews = ContinuousClock.now }
            for message in batch where message.offset >= unreached[message.partition] ?? .max {
                unreached[message.partition] = nil
            }
            messages += batch
        }
        return messages
    }

    /// Whatever arrives within `duration`.
    public func drain(for duration: Duration) async throws -> [KafkaConsumedMessage] {
        var messages: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            messages += try await consumer.poll(maxMessages: 5_000, timeout: .milliseconds(100))
        }
        return messages
    }

    public func close() async {
        await consumer.close()
    }
}

extension KafkaConsumedMessage {
    /// The result this record carries, when it is a command result.
    public var commandResult: CommandResult? {
        value.flatMap(CommandResult.openingSecrets)
    }
}
