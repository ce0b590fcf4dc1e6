import Dispatch
import Logging
import Synchronization

/// A Kafka consumer that never commits offsets to the broker: the owner stores them with the
/// state they produced and supplies them through `startOffsets` whenever partitions are assigned.
///
/// All blocking librdkafka calls run on one private serial queue, off Swift's cooperative pool.
public final class KafkaConsumer: Sendable {
    /// The offset that means a partition's first record, for ``assign(_:)``.
    public static let beginning: Int64 = -2

    /// The librdkafka client in use; ``replaceClient(subscribingTo:)`` swaps in a fresh one.
    private let current: Mutex<RDKafkaClient>
    private let properties: [String: String]
    private let startOffsets: @Sendable ([TopicPartition]) throws -> [TopicPartition: Int64]
    private let beforeRevoke: @Sendable ([TopicPartition]) -> Void
    private let queue = DispatchQueue(label: "kafka-consumer")
    private let logger: Logger

    /// - Parameters:
    ///   - startOffsets: where to resume each newly assigned partition (the next offset to read);
    ///     partitions it leaves out start at the beginning. Throwing stops the consumer.
    ///   - beforeRevoke: called in a rebalance with the partitions about to be taken away, before
    ///     they are; the partitions stay this consumer's until it returns (the owner finishes what
    ///     it is writing for them).
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger,
        startOffsets: @escaping @Sendable ([TopicPartition]) throws -> [TopicPartition: Int64] = { _ in [:] },
        beforeRevoke: @escaping @Sendable ([TopicPartition]) -> Void = { _ in }
    ) throws(KafkaError) {
        self.logger = logger
        properties = configuration.librdkafkaProperties
        self.startOffsets = startOffsets
        self.beforeRevoke = beforeRevoke
        current = Mutex(try Self.makeClient(properties: properties, logger: logger, startOffsets: startOffsets, beforeRevoke: beforeRevoke))
    }

    private static func makeClient(
        properties: [String: String],
        logger: Logger,
        startOffsets: @escaping @Sendable ([TopicPartition]) throws -> [TopicPartition: Int64],
        beforeRevoke: @escaping @Sendable ([TopicPartition]) -> Void
    ) throws(KafkaError) -> RDKafkaClient {
        try RDKafkaClient(
            kind: .consumer,
            properties: properties,
            callbacks: RDKafkaCallbacks(logger: logger, startOffsets: startOffsets, beforeRevoke: beforeRevoke)
        )
    }

    private var client: RDKafkaClient { current.withLock { $0 } }

    /// Joins the consumer group for these topics; partitions arrive through rebalances.
    public func subscribe(topics: [String]) throws(KafkaError) {
        try client.subscribe(topics: topics)
    }

    /// Replaces the librdkafka client with a new one subscribed to these topics: fresh metadata, a
    /// new group member. The old client is dropped without leaving the group (its consumer close
    /// could wait on the very state it is dropped for); a member it had expires with its session.
    /// Partitions resume from `startOffsets` as always. Clears ``lostPartitions``.
    public func replaceClient(subscribingTo topics: [String]) async throws(KafkaError) {
        let result: Result<Void, KafkaError> = await withCheckedContinuation { continuation in
            queue.async { [self] in
                do {
                    let fresh = try Self.makeClient(properties: properties, logger: logger, startOffsets: startOffsets, beforeRevoke: beforeRevoke)
                    try fresh.subscribe(topics: topics)
                    let stale = current.withLock { client in
                        defer { client = fresh }
                        return client
                    }
                    stale.abandon()
                    // The last reference goes away off this queue: destroying a client waits for its threads.
                    DispatchQueue.global().async { withExtendedLifetime(stale) {} }
                    continuation.resume(returning: .success(()))
                } catch let error as KafkaError {
                    continuation.resume(returning: .failure(error))
                } catch {
                    continuation.resume(returning: .failure(KafkaError(.clientCreation, "\(error)")))
                }
            }
        }
        try result.get()
    }

    /// Whether, since its client was created, a rebalance took away every partition the consumer had,
    /// or librdkafka reported a topic or partition unknown to the broker (deleted, or a broker that
    /// came back without it).
    public var lostPartitions: Bool { client.callbacks.lostPartitions }

    /// Reads these partitions from these offsets, without a consumer group.
    public func assign(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        try client.assign(offsets)
    }

    /// Waits up to `timeout` for a first message, then takes whatever else is ready, up to `maxMessages`.
    public func poll(maxMessages: Int, timeout: Duration) async throws(KafkaError) -> [KafkaConsumedMessage] {
        try await pollReportingEnds(maxMessages: maxMessages, timeout: timeout).messages
    }

    /// ``poll(maxMessages:timeout:)`` with the ends of partitions reached meanwhile; ends are
    /// reported only with ``KafkaConsumerConfiguration/reportsPartitionEnds``, once each time the
    /// consumer reaches a partition's end.
    public func pollReportingEnds(maxMessages: Int, timeout: Duration) async throws(KafkaError) -> KafkaPoll {
        if let fatal = client.callbacks.fatalError { throw fatal }
        let client = self.client
        let milliseconds = timeout.milliseconds
        let poll = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: client.consumerPoll(maxMessages: maxMessages, timeoutMilliseconds: milliseconds))
            }
        }
        if !poll.messages.isEmpty || !poll.ends.isEmpty { client.callbacks.brokersAnswered() }
        if let fatal = client.callbacks.fatalError { throw fatal }
        return poll
    }

    /// The partitions currently assigned to this consumer.
    public var assignment: Set<TopicPartition> { client.callbacks.assignment }

    /// The partitions currently assigned, each with a number that changes whenever it is assigned
    /// again (after a rebalance took it away, or to a replaced client).
    public var numberedAssignment: [TopicPartition: UInt64] { client.callbacks.numberedAssignment }

    /// Whether librdkafka last reported every broker down and nothing has been fetched since.
    public var allBrokersDown: Bool { client.callbacks.allBrokersDown }

    /// High watermark of a partition as last seen by this consumer, without a request.
    public func cachedHighWatermark(of partition: TopicPartition) -> Int64? {
        client.cachedHighWatermark(of: partition)
    }

    /// Low and high watermarks of a partition, asked of the broker.
    public func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32 = 5_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        try client.watermarks(of: partition, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Number of partitions of a topic.
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 5_000) throws(KafkaError) -> Int32 {
        try client.partitionCount(topic: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Leaves the consumer group (revoking partitions) and stops fetching.
    public func close() async {
        let client = self.client
        await withCheckedContinuation { continuation in
            queue.async {
                client.consumerClose()
                continuation.resume()
            }
        }
    }
}
