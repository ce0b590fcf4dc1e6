/// Settings of a ``KafkaConsumer``, turned into librdkafka properties in one place.
///
/// Offsets are never committed automatically: the service stores them in its own database with
/// the state they produced, and seeks to them when partitions are assigned.
public struct KafkaConsumerConfiguration: Sendable {
    public var connection: KafkaConnection
    /// Consumer group. Required for ``KafkaConsumer/subscribe(topics:)``; unused with manual assignment.
    public var groupID: String?
    /// Static membership id, so a restarted instance keeps its partitions. Default: none.
    public var groupInstanceID: String?
    /// How the group spreads partitions over its members (`partition.assignment.strategy`); only the
    /// first subscribed topic's are spread, the others follow by number (``KafkaConsumer``). Default:
    /// `cooperative-sticky` (KIP-429), which moves only what must move; `range` and `roundrobin`
    /// take every partition away at each change.
    public var assignmentStrategy = "cooperative-sticky"
    /// Default: 10000 ms (librdkafka's is 45000; shorter rejoins after a crash).
    public var sessionTimeoutMilliseconds: Int = 10_000
    /// Default: 1000 ms.
    public var heartbeatIntervalMilliseconds: Int = 1_000
    /// Default: 300000 ms.
    public var maxPollIntervalMilliseconds: Int = 300_000
    /// Longest time the broker may hold a fetch that found nothing new. Default: 10 ms (librdkafka's
    /// is 500). A broker that does not answer a waiting fetch as soon as records arrive (Tansu)
    /// adds up to this much to every hop; an idle consumer sends a fetch about this often.
    public var fetchWaitMaxMilliseconds: Int = 10
    /// Most record data fetched ahead of ``KafkaConsumer/poll(maxMessages:timeout:)``, in KiB.
    /// Default: 16384 (librdkafka's is 65536): a service behind a backlog stays small, and 16 MiB is
    /// still many batches ahead.
    public var prefetchKilobytes: Int = 16_384
    /// Most records fetched ahead per partition (`queued.min.messages`). Default: 5000 (librdkafka's
    /// is 100000). librdkafka weighs its prefetch against ``prefetchKilobytes`` by the records'
    /// values only, while a command's CloudEvents headers (signature, tags, trace) are about as large
    /// again: under a 100,000-command backlog Sharing held 41 MB of fetched records (85,700 of them,
    /// heaptrack) with the limit at 16 MiB. A count bounds it whatever the headers weigh; 5,000 per
    /// partition is still several batches ahead.
    public var prefetchMessagesPerPartition: Int = 5_000
    /// The same for the second client, which reads the other topics of the tasks (``KafkaConsumer``),
    /// in KiB. Default: 4096: those topics are events, each far smaller than a batch's worth at 4 MiB,
    /// and every client's prefetch is resident memory under a backlog.
    public var followerPrefetchKilobytes: Int = 4_096

    /// Whether polls report each time the consumer reaches the end of a partition
    /// (``KafkaConsumer/pollReportingEnds(maxMessages:timeout:)``). Default: false.
    public var reportsPartitionEnds = false

    public init(connection: KafkaConnection, groupID: String? = nil) {
        self.connection = connection
        self.groupID = groupID
    }

    var librdkafkaProperties: [String: String] {
        var typed = [
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": String(sessionTimeoutMilliseconds),
            "heartbeat.interval.ms": String(heartbeatIntervalMilliseconds),
            "max.poll.interval.ms": String(maxPollIntervalMilliseconds),
            "fetch.wait.max.ms": String(fetchWaitMaxMilliseconds),
            "queued.max.messages.kbytes": String(prefetchKilobytes),
            "queued.min.messages": String(prefetchMessagesPerPartition),
            "enable.partition.eof": String(reportsPartitionEnds),
            "partition.assignment.strategy": assignmentStrategy,
        ]
        // librdkafka requires a group id even for manual assignment; it is not joined then.
        typed["group.id"] = groupID ?? "tenancy-unjoined"
        if let groupInstanceID { typed["group.instance.id"] = groupInstanceID }
        return connection.librdkafkaProperties.merging(typed) { _, typed in typed }
    }

    /// The follower's: the same group id (it joins no group) and no static membership.
    var followerLibrdkafkaProperties: [String: String] {
        var properties = librdkafkaProperties
        properties["group.instance.id"] = nil
        properties["queued.max.messages.kbytes"] = String(followerPrefetchKilobytes)
        return properties
    }
}
