import Foundation
import Kafka

/// How far a service's applied state is behind the broker on one topic (Lifecycle's events, for a
/// service that checks credentials against their replica): an upper bound on the age of the oldest
/// record of that topic the service has not applied yet. Pure arithmetic over what the consumer loop
/// reports after each committed batch; the caller passes the time.
///
/// Each assigned partition is in one of three states:
/// - **at its end**: a committed batch reached the partition's end after its last record: nothing to wait for;
/// - **behind a record**: a record was applied and no end was reached after it: what follows it was
///   appended later, so it is at most `now - that record's timestamp` old;
/// - **not known**: since the partition was (re)assigned, neither a record applied nor its end reached:
///   the replica may be any age. The same holds while no partition of the topic is assigned.
public struct ReplicaLag: Sendable {
    /// The bound at one moment.
    public struct Estimate: Hashable, Sendable {
        /// The bound in seconds; when not ``bounded``, at least the seconds since the state became
        /// unknown (since a partition was assigned, or since none was).
        public var seconds: Double
        /// False while some partition is not known, or none is assigned.
        public var bounded: Bool

        public init(seconds: Double, bounded: Bool) {
            self.seconds = seconds
            self.bounded = bounded
        }
    }

    enum Position: Hashable, Sendable {
        case unknown
        case atEnd
        case behind(record: Date)
    }

    struct Partition: Hashable, Sendable {
        /// The consumer's number for this assignment of the partition.
        var assignment: UInt64
        var assignedAt: Date
        var position: Position
    }

    public let topic: String
    private(set) var partitions: [TopicPartition: Partition] = [:]
    /// Since when no partition of the topic has been assigned; nil while some is.
    private var unassignedSince: Date?

    public init(topic: String, now: Date) {
        self.topic = topic
        unassignedSince = now
    }

    /// Follows the consumer's assignment (every partition with the number of its assignment):
    /// a partition assigned anew is not known until a batch read under this assignment commits.
    public mutating func assign(_ assignment: [TopicPartition: UInt64], now: Date) {
        let own = assignment.filter { $0.key.topic == topic }
        partitions = partitions.filter { own[$0.key] == $0.value.assignment }
        for (partition, number) in own where partitions[partition] == nil {
            partitions[partition] = Partition(assignment: number, assignedAt: now, position: .unknown)
        }
        if partitions.isEmpty {
            unassignedSince = unassignedSince ?? now
        } else {
            unassignedSince = nil
        }
    }

    /// What a batch applied once it committed: its records and the ends of partitions reached
    /// while it was polled, all read under `assignment`. A partition assigned again since then
    /// learns nothing from it. An end at an offset past a partition's last record here came after it.
    public mutating func committed(_ messages: [KafkaConsumedMessage], ends: [PartitionEnd], readUnder assignment: [TopicPartition: UInt64]) {
        var last: [TopicPartition: KafkaConsumedMessage] = [:]
        for message in messages where message.topic == topic {
            if let seen = last[message.topicPartition], seen.offset > message.offset { continue }
            last[message.topicPartition] = message
        }
        var reached: [TopicPartition: Int64] = [:]
        for end in ends where end.partition.topic == topic {
            reached[end.partition] = max(reached[end.partition] ?? end.offset, end.offset)
        }
        for partition in Set(last.keys).union(reached.keys) {
            guard var state = partitions[partition], assignment[partition] == state.assignment else { continue }
            let record = last[partition]
            if let end = reached[partition], end > record?.offset ?? Int64.min {
                state.position = .atEnd
            } else if let record {
                // A record without a timestamp bounds nothing: wait for the end.
                state.position = record.timestampMilliseconds.map { .behind(record: Date(timeIntervalSince1970: Double($0) / 1_000)) } ?? .unknown
            }
            partitions[partition] = state
        }
    }

    /// The bound now: the largest over the assigned partitions.
    public func behind(now: Date) -> Estimate {
        if let unassignedSince { return Estimate(seconds: max(0, now.timeIntervalSince(unassignedSince)), bounded: false) }
        var estimate = Estimate(seconds: 0, bounded: true)
        var unknownFor = 0.0
        for state in partitions.values {
            switch state.position {
            case .atEnd:
                continue
            case .behind(let record):
                estimate.seconds = max(estimate.seconds, now.timeIntervalSince(record))
            case .unknown:
                estimate.bounded = false
                unknownFor = max(unknownFor, now.timeIntervalSince(state.assignedAt))
            }
        }
        estimate.seconds = max(estimate.seconds, unknownFor)
        return estimate
    }
}
