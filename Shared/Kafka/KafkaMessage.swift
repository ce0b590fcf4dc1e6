import Foundation

/// One Kafka record header. Values are bytes because the broker does not promise text.
public struct KafkaHeader: Hashable, Sendable {
    public var name: String
    public var value: Data

    public init(name: String, value: Data) {
        self.name = name
        self.value = value
    }

    public init(name: String, string: String) {
        self.init(name: name, value: Data(string.utf8))
    }
}

/// A partition of a topic.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A record to produce. Without a partition the configured partitioner picks one from the key.
public struct KafkaRecord: Sendable, Hashable {
    public var topic: String
    public var partition: Int32?
    public var key: Data?
    public var value: Data?
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32? = nil, key: Data?, value: Data?, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The first header with this name, decoded as UTF-8, or nil when absent or not text.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }.flatMap { String(data: $0.value, encoding: .utf8) }
    }
}

/// A record read by a ``KafkaConsumer``.
public struct KafkaConsumedMessage: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: Data?
    public var value: Data?
    public var headers: [KafkaHeader]
    /// Milliseconds since the Unix epoch, when the broker supplied a timestamp.
    public var timestampMilliseconds: Int64?

    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: Data?,
        value: Data?,
        headers: [KafkaHeader],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The first header with this name, decoded as UTF-8, or nil when absent or not text.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }.flatMap { String(data: $0.value, encoding: .utf8) }
    }
}

/// The end of a partition, as a consumer reached it: `offset` is where the next record will go.
public struct PartitionEnd: Hashable, Sendable {
    public var partition: TopicPartition
    public var offset: Int64

    public init(partition: TopicPartition, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }
}

/// What one poll returned: records, and the ends of partitions the consumer reached, in the order
/// librdkafka reported them. An end follows every record of its partition before `offset`, here or
/// in an earlier poll.
public struct KafkaPoll: Sendable {
    public var messages: [KafkaConsumedMessage]
    public var ends: [PartitionEnd]

    public init(messages: [KafkaConsumedMessage], ends: [PartitionEnd]) {
        self.messages = messages
        self.ends = ends
    }
}

/// Where the broker stored a produced record.
public struct DeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}
