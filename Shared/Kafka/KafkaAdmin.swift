/// A topic to create: name, partitions and replication factor (-1 lets the broker choose).
public struct TopicSpecification: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32

    public init(name: String, partitions: Int32, replicationFactor: Int32 = -1) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
    }
}

extension KafkaProducer {
    /// Creates the topics that do not exist yet; existing ones are left as they are.
    public func createTopicsIfMissing(_ topics: [TopicSpecification], timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) {
        guard !topics.isEmpty else { return }
        try client.createTopics(topics, timeoutMilliseconds: timeoutMilliseconds)
    }
}
