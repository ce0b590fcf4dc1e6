import Dispatch
import Logging
import Synchronization

/// A Kafka consumer that never commits offsets to the broker: the owner stores them with the
/// state they produced and supplies them through `startOffsets` whenever partitions are assigned.
///
/// In a group it reads *tasks*: it joins for the first topic it subscribes to, and each partition
/// number the group gives it of that topic it also reads of the other topics, with a second client
/// that joins no group. So a task (one partition number of every topic) is never split over
/// members, whatever the assignor (librdkafka's cooperative-sticky balances partitions without
/// regard for their numbers, and it has no pluggable assignor).
///
/// All blocking librdkafka calls run on one private serial queue, off Swift's cooperative pool.
public final class KafkaConsumer: Sendable {
    /// The offset that means a partition's first record, for ``assign(_:)``.
    public static let beginning: Int64 = -2

    /// The librdkafka client in use; ``replaceClient(subscribingTo:)`` swaps in a fresh one.
    private let current: Mutex<RDKafkaClient>
    /// The client reading the co-partitioned topics of the tasks, when there are any.
    private let follower = Mutex<(topics: Set<String>, client: RDKafkaClient)?>(nil)
    private let properties: [String: String]
    private let followerProperties: [String: String]
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
        followerProperties = configuration.followerLibrdkafkaProperties
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

    /// Joins the consumer group for the first topic; the partition numbers it is given arrive through
    /// rebalances, and each is read of every other topic too, as one task.
    public func subscribe(topics: [String]) throws(KafkaError) {
        try subscribe(client, to: topics)
    }

    private func subscribe(_ client: RDKafkaClient, to topics: [String]) throws(KafkaError) {
        guard let taskTopic = topics.first else { throw KafkaError(.subscription, "no topic to subscribe to") }
        let followed = Array(topics.dropFirst())
        if !followed.isEmpty {
            let reader = try RDKafkaClient(
                kind: .consumer,
                properties: followerProperties,
                callbacks: RDKafkaCallbacks(logger: logger)
            )
            client.callbacks.follow(followed, with: reader)
            let stale = follower.withLock { follower in
                defer { follower = (Set(followed), reader) }
                return follower?.client
            }
            stale?.abandon()
        }
        try client.subscribe(topics: [taskTopic])
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
                    try subscribe(fresh, to: topics)
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
        let follower = self.follower.withLock { $0?.client }
        let milliseconds = timeout.milliseconds
        let poll = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: follower.map { Self.poll(client, and: $0, maxMessages: maxMessages, timeoutMilliseconds: milliseconds) }
                        ?? client.consumerPoll(maxMessages: maxMessages, timeoutMilliseconds: milliseconds)
                )
            }
        }
        if !poll.messages.isEmpty || !poll.ends.isEmpty { client.callbacks.brokersAnswered() }
        if let fatal = client.callbacks.fatalError ?? follower?.callbacks.fatalError { throw fatal }
        return poll
    }

    /// Polls the group's client and the follower's in turn, waiting on the group's (which serves the
    /// rebalances) a slice at a time so that a record of either is taken within a slice of arriving.
    /// The follower takes at most half of a batch before the group's client has its turn, so that a
    /// backlog of followed events does not hold the commands back.
    private static func poll(_ client: RDKafkaClient, and follower: RDKafkaClient, maxMessages: Int, timeoutMilliseconds: Int32) -> KafkaPoll {
        let slice: Int32 = 10
        var waited: Int32 = 0
        var poll = KafkaPoll(messages: [], ends: [])
        func take(_ from: RDKafkaClient, upTo count: Int, waiting: Int32) {
            guard count > 0 else { return }
            let taken = from.consumerPoll(maxMessages: count, timeoutMilliseconds: waiting)
            poll.messages += taken.messages
            poll.ends += taken.ends
        }
        repeat {
            take(follower, upTo: max(1, maxMessages / 2), waiting: 0)
            let wait = poll.messages.isEmpty && poll.ends.isEmpty ? min(slice, max(0, timeoutMilliseconds - waited)) : 0
            take(client, upTo: maxMessages - poll.messages.count, waiting: wait)
            take(follower, upTo: maxMessages - poll.messages.count, waiting: 0)
            waited += wait
        } while poll.messages.isEmpty && poll.ends.isEmpty && waited < timeoutMilliseconds
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
        reader(of: partition).cachedHighWatermark(of: partition)
    }

    /// Low and high watermarks of a partition, asked of the broker.
    public func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32 = 5_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        try reader(of: partition).watermarks(of: partition, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The client that reads `partition`: the follower for a followed topic.
    private func reader(of partition: TopicPartition) -> RDKafkaClient {
        follower.withLock { follower in follower.flatMap { $0.topics.contains(partition.topic) ? $0.client : nil } } ?? client
    }

    /// Number of partitions of a topic.
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 5_000) throws(KafkaError) -> Int32 {
        try client.partitionCount(topic: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Leaves the consumer group (revoking partitions) and stops fetching.
    public func close() async {
        let client = self.client
        let follower = self.follower.withLock { $0?.client }
        await withCheckedContinuation { continuation in
            queue.async {
                client.consumerClose()
                follower?.consumerClose()
                continuation.resume()
            }
        }
    }
}
