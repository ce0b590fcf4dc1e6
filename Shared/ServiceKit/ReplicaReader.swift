import Foundation
import Kafka
import Logging
import Pipeline
import ServiceLifecycle

/// Reads the topics a service keeps replicas of (``PipelineTopics/replicated``: Lifecycle's events
/// for the directory) whole - every partition, by assignment, outside the consumer group - and
/// applies them through the ``ReplicaProcessor``, so that every instance of the service has all the
/// reference data whatever tasks it owns. Resumes from the offsets stored with the replicas.
///
/// It reports what it applied to the ``ReplicaProgress`` (which the consumer loop waits on) and to
/// the freshness gate of a service that checks credentials against the replica. A batch the
/// database cannot take is retried as it is, with backoff.
final class ReplicaReader: Service, Sendable {
    /// The reader's own consumer, which joins no group.
    let consumer: KafkaConsumer
    let progress: ReplicaProgress
    private let topics: [String]
    private let processor: ReplicaProcessor
    private let store: ServiceStore
    private let freshness: ReplicaFreshnessGate?
    private let logger: Logger
    private let maxBatch: Int
    private let pollTimeout: Duration

    init(
        consumer: KafkaConsumer,
        topics: [String],
        processor: ReplicaProcessor,
        store: ServiceStore,
        progress: ReplicaProgress,
        freshness: ReplicaFreshnessGate?,
        logger: Logger,
        maxBatch: Int,
        pollTimeout: Duration = .milliseconds(100)
    ) {
        self.consumer = consumer
        self.topics = topics
        self.processor = processor
        self.store = store
        self.progress = progress
        self.freshness = freshness
        self.logger = logger
        self.maxBatch = maxBatch
        self.pollTimeout = pollTimeout
    }

    func run() async throws {
        let partitions = try topics.flatMap { topic in
            (0..<(try consumer.partitionCount(of: topic))).map { TopicPartition(topic: topic, partition: $0) }
        }
        let stored = try store.replicaOffsets(for: partitions)
        progress.advance(to: Dictionary(uniqueKeysWithValues: partitions.map { ($0, stored[$0] ?? 0) }))
        try consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, stored[$0] ?? KafkaConsumer.beginning) }))
        // Read by assignment, each partition once for good: the gate's numbering never changes.
        let assignment = Dictionary(uniqueKeysWithValues: partitions.map { ($0, UInt64(1)) })
        freshness?.assign(assignment, now: Date())
        logger.info("reading replicas", metadata: ["kafka.topics": "\(topics)", "kafka.partitions": "\(partitions.count)"])
        let started = ContinuousClock.now
        var notReached = Set(partitions)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let poll = try await consumer.pollReportingEnds(maxMessages: maxBatch, timeout: pollTimeout)
            guard !poll.messages.isEmpty || !poll.ends.isEmpty else { continue }
            guard let next = await apply(processor.prepare(poll.messages)) else { break }
            progress.advance(to: next)
            freshness?.committed(poll.messages, ends: poll.ends, readUnder: assignment, now: Date())
            guard !notReached.isEmpty else { continue }
            notReached.subtract(poll.ends.map(\.partition))
            if notReached.isEmpty {
                progress.markCaughtUp()
                logger.info("replicas caught up", metadata: ["replica.catch_up_seconds": "\((ContinuousClock.now - started).inSeconds)"])
            }
        }
        await consumer.close()
    }

    /// Commits a batch, retrying until it does; nil when shutdown began first.
    private func apply(_ batch: [ReplicaProcessor.Prepared]) async -> [TopicPartition: Int64]? {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await processor.apply(batch)
            } catch {
                logger.error(
                    "replica batch failed; retrying",
                    metadata: ["error": "\(error)", "batch.size": "\(batch.count)", "retry.in": "\(delay)"]
                )
                if Task.isShuttingDownGracefully || Task.isCancelled { return nil }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
