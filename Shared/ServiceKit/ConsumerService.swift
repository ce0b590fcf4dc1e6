import Foundation
import Kafka
import Logging
import Pipeline
import ServiceLifecycle

/// The poll loop: reads a batch and decodes it while the batch before it is written, then hands it
/// to the ``BatchProcessor`` once that one has committed (batches commit one at a time, in order);
/// each commit wakes the ``OutboxRelay``. Between polls it runs the handler's time-driven work every
/// `housekeepingInterval`.
///
/// A batch that fails (the database full or locked) is retried as it is, with backoff, and never
/// acknowledged until it commits; the batch after it waits. On graceful shutdown the batch being
/// written finishes, then the consumer leaves its group.
///
/// A service with replicas joins its group only once they have caught up (``ReplicaProgress``),
/// and a batch holding records of a replicated topic waits until the replicas have applied them.
final class ConsumerService: Service, Sendable {
    private let consumer: KafkaConsumer
    private let topics: [String]
    private let processor: BatchProcessor
    private let relay: OutboxRelay
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let maxBatch: Int
    private let pollTimeout: Duration
    private let housekeepingInterval: Duration
    /// Whether the broker knows every one of these topics, asked through another client than the
    /// consumer's (which may be the one in trouble).
    private let topicsExist: @Sendable ([String]) async -> Bool
    /// How far the service's replicas are, for a service that keeps some.
    private let replica: ReplicaProgress?
    /// The topics the replicas read too.
    private let replicated: Set<String>
    /// The batch being written, which a rebalance waits for before it takes partitions away.
    private let inFlight: BatchInFlight

    init(
        consumer: KafkaConsumer,
        topics: [String],
        processor: BatchProcessor,
        relay: OutboxRelay,
        logger: Logger,
        metrics: PipelineMetrics,
        maxBatch: Int,
        pollTimeout: Duration,
        housekeepingInterval: Duration = .seconds(2),
        replica: ReplicaProgress? = nil,
        replicated: [String] = [],
        inFlight: BatchInFlight,
        topicsExist: @escaping @Sendable ([String]) async -> Bool
    ) {
        self.replica = replica
        self.replicated = Set(replicated)
        self.inFlight = inFlight
        self.consumer = consumer
        self.topics = topics
        self.topicsExist = topicsExist
        self.processor = processor
        self.relay = relay
        self.logger = logger
        self.metrics = metrics
        self.maxBatch = maxBatch
        self.pollTimeout = pollTimeout
        self.housekeepingInterval = housekeepingInterval
    }

    func run() async throws {
        if let replica, !replica.isCaughtUp {
            logger.info("waiting for the replicas to catch up before joining the group")
            guard await cancelWhenGracefulShutdown({ await replica.waitUntilCaughtUp() }) else { return }
        }
        try consumer.subscribe(topics: topics)
        logger.info("consuming", metadata: ["kafka.topics": "\(topics)"])
        var housekeepingDue = ContinuousClock.now
        var assignmentWatch = AssignmentWatch()
        // The batch being written: it commits (or gives up at shutdown) while the next one is polled and decoded.
        var writing: Task<Bool, Never>?
        do {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if ContinuousClock.now >= housekeepingDue {
                    await housekeep()
                    await watchAssignment(&assignmentWatch)
                    housekeepingDue = ContinuousClock.now + housekeepingInterval
                }
                let polled = try await consumer.poll(maxMessages: maxBatch, timeout: pollTimeout)
                guard !polled.isEmpty else { continue }
                var prepared = processor.prepare(polled)
                if let previous = writing, await !previous.value { break }
                // What arrived while the batch before was written joins this one: a batch is closed
                // when the writer is free, so that a steady trickle still makes batches of some size.
                if prepared.count < maxBatch {
                    prepared += processor.prepare(try await consumer.poll(maxMessages: maxBatch - prepared.count, timeout: .zero))
                }
                let assignment = consumer.numberedAssignment
                inFlight.begin()
                writing = Task { [prepared] in
                    defer { self.inFlight.end() }
                    return await self.write(prepared, readUnder: assignment)
                }
            }
        } catch {
            // The consumer failed for good: a batch still being retried gives up (it was not acknowledged).
            writing?.cancel()
            _ = await writing?.value
            throw error
        }
        // A graceful stop lets the batch being written commit; a cancelled service does not wait for a retry.
        if Task.isCancelled { writing?.cancel() }
        _ = await writing?.value
        await consumer.close()
        logger.info("consumer closed")
    }

    /// A failure is logged and tried again at the next interval; nothing was committed.
    private func housekeep() async {
        do {
            if try await processor.housekeep() > 0 { relay.notify() }
        } catch {
            logger.error("housekeeping failed; retrying later", metadata: ["error": "\(error)"])
        }
    }

    /// Gives the consumer a new librdkafka client when it has had no partitions for a while after it
    /// lost the ones it had (or a topic went missing), while every subscribed topic has existed for a
    /// while too: a fresh client joins with fresh metadata where the old one can wait or spin for good
    /// (docs/decisions.md, "A consumer that lost its partitions gets a fresh client").
    private func watchAssignment(_ watch: inout AssignmentWatch) async {
        let now = ContinuousClock.now
        guard watch.checkDue(assigned: !consumer.assignment.isEmpty, now: now), consumer.lostPartitions,
            watch.topicsSettled(exist: await topicsExist(topics), now: now)
        else { return }
        do {
            try await consumer.replaceClient(subscribingTo: topics)
            logger.warning(
                "replaced the Kafka consumer client: its partitions were taken away and none came back, though every subscribed topic has existed for a while",
                metadata: [
                    "kafka.unassigned_for": "\(watch.unassignedFor(now: now) ?? .zero)"
                ]
            )
        } catch {
            logger.error("cannot replace the Kafka consumer client", metadata: ["error": "\(error)"])
        }
    }

    /// Commits a batch, retrying until it does, then wakes the relay. Returns false when shutdown
    /// began before the batch could be committed.
    ///
    /// Records of partitions taken away since they were polled are left out (the next owner reads
    /// them from the offsets stored with the state): a batch commits only while every partition it
    /// holds is still assigned as it was when polled.
    private func write(_ polled: [PreparedMessage], readUnder assignment: [TopicPartition: UInt64]) async -> Bool {
        if let replica, !replicated.isEmpty {
            var required: [TopicPartition: Int64] = [:]
            for message in polled.lazy.map(\.message) where replicated.contains(message.topic) {
                required[message.topicPartition] = max(required[message.topicPartition] ?? 0, message.offset + 1)
            }
            if !required.isEmpty, await !replica.waitUntilApplied(required) { return false }
        }
        var delay = Duration.milliseconds(100)
        var batch = polled
        while true {
            let started = ContinuousClock.now
            let consumer = consumer
            let partitions = Set(batch.map(\.message.topicPartition))
            let stillOwned: @Sendable () -> Bool = {
                let current = consumer.numberedAssignment
                return partitions.allSatisfy { Self.isAssigned($0, now: current, asWhenPolled: assignment) }
            }
            do {
                try await processor.process(batch, stillOwned: stillOwned)
                metrics.batchDuration.recordSeconds((ContinuousClock.now - started).inSeconds)
                relay.notify()
                recordLag(after: batch)
                return true
            } catch is PartitionsRevoked {
                let current = consumer.numberedAssignment
                let kept = batch.filter { Self.isAssigned($0.message.topicPartition, now: current, asWhenPolled: assignment) }
                logger.info(
                    "partitions were taken away while their batch was written; it was rolled back and their records are left to their next owner",
                    metadata: ["batch.size": "\(batch.count)", "batch.kept": "\(kept.count)"]
                )
                guard !kept.isEmpty else { return true }
                batch = kept
            } catch {
                metrics.batchFailures.increment()
                logger.error(
                    "batch failed; nothing acknowledged, retrying",
                    metadata: ["error": "\(error)", "batch.size": "\(batch.count)", "retry.in": "\(delay)"]
                )
                if Task.isShuttingDownGracefully || Task.isCancelled { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Whether `partition` is assigned now under the same assignment as when its records were polled.
    private static func isAssigned(
        _ partition: TopicPartition,
        now current: [TopicPartition: UInt64],
        asWhenPolled polled: [TopicPartition: UInt64]
    ) -> Bool {
        current[partition] != nil && current[partition] == polled[partition]
    }

    private func recordLag(after batch: [PreparedMessage]) {
        var last: [TopicPartition: Int64] = [:]
        for message in batch.map(\.message) { last[message.topicPartition] = max(last[message.topicPartition] ?? -1, message.offset) }
        for (partition, offset) in last {
            if let high = consumer.cachedHighWatermark(of: partition) {
                metrics.lagGauge(for: partition.description).record(max(0, high - offset - 1))
            }
        }
    }
}
