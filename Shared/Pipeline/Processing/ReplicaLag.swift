import Foundation
import Kafka

/// How far a service's applied state is behind the broker on one topic (Lifecycle's events, for a
/// service that checks credentials against their replica): an upper bound on the age of the oldest
/// record of that topic the service has not applied yet. Pure arithmetic over what the replica reader
/// and the broker report; the caller passes the time.
///
/// For each assigned partition it keeps the moment before which everything appended is applied:
/// - a committed batch moves it to its partition's last record's timestamp (what follows that
///   record was appended later);
/// - an end of the partition reached (librdkafka's end-of-partition report, from the fetch) after
///   the last record applied makes that end *reached*; a watermark the broker gives afterwards, asked
///   at time `t`, that is not past it confirms nothing was appended since, and moves the moment to `t`.
///   (A watermark alone would not do: Tansu reports the last batch's base offset + 1, below the end.
///   But a batch appended after a reached end starts at or past it, so it shows.)
///
/// The bound is `now` minus that moment, the largest over partitions. It is not known (unbounded)
/// for a partition assigned since neither confirmed nor applied a record, and while no partition
/// of the topic is assigned.
public struct ReplicaLag: Sendable {
    /// The bound at one moment.
    public struct Estimate: Hashable, Sendable {
        /// The bound in seconds; when not ``bounded``, the seconds since the state became unknown
        /// (since a partition was assigned, or since none was).
        public var seconds: Double
        /// False while some partition is not known, or none is assigned.
        public var bounded: Bool

        public init(seconds: Double, bounded: Bool) {
            self.seconds = seconds
            self.bounded = bounded
        }
    }

    struct Partition: Hashable, Sendable {
        /// The consumer's number for this assignment of the partition.
        var assignment: UInt64
        var assignedAt: Date
        /// Everything appended to the partition before this moment is applied; nil while not known.
        var appliedUntil: Date?
        /// An end of the partition the consumer reached, everything before it applied and nothing
        /// after it yet.
        var reachedEnd: Int64?

        mutating func applied(until moment: Date) {
            appliedUntil = max(appliedUntil ?? moment, moment)
        }
    }

    public let topic: String
    private(set) var partitions: [TopicPartition: Partition] = [:]
    /// Since when no partition of the topic has been assigned; nil while some is.
    private var unassignedSince: Date?

    public init(topic: String, now: Date) {
        self.topic = topic
        unassignedSince = now
    }

    /// Follows the consumer's assignment (every partition with the number of its assignment): a
    /// partition assigned anew is not known until something read under this assignment bounds it.
    public mutating func assign(_ assignment: [TopicPartition: UInt64], now: Date) {
        let own = assignment.filter { $0.key.topic == topic }
        partitions = partitions.filter { own[$0.key] == $0.value.assignment }
        for (partition, number) in own where partitions[partition] == nil {
            partitions[partition] = Partition(assignment: number, assignedAt: now)
        }
        if partitions.isEmpty {
            unassignedSince = unassignedSince ?? now
        } else {
            unassignedSince = nil
        }
    }

    /// What a batch applied once it committed: its records and the ends of partitions reached
    /// while it was polled, all read under `assignment`; a partition assigned again since learns
    /// nothing from it. An end past a partition's last record here was reached after it.
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
            if let record = last[partition] {
                // A record without a timestamp moves nothing: the end after it, confirmed, will.
                if let milliseconds = record.timestampMilliseconds {
                    state.applied(until: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
                }
                state.reachedEnd = nil
            }
            if let end = reached[partition], end > last[partition]?.offset ?? Int64.min {
                state.reachedEnd = end
            }
            partitions[partition] = state
        }
    }

    /// High watermarks the broker gave for partitions assigned under `assignment`, asked at `askedAt`.
    public mutating func confirm(_ highWatermarks: [TopicPartition: Int64], askedAt: Date, readUnder assignment: [TopicPartition: UInt64]) {
        for (partition, high) in highWatermarks {
            guard var state = partitions[partition], assignment[partition] == state.assignment,
                let end = state.reachedEnd, high <= end
            else { continue }
            state.applied(until: askedAt)
            partitions[partition] = state
        }
    }

    /// The bound now: the largest over the assigned partitions.
    public func behind(now: Date) -> Estimate {
        if let unassignedSince { return Estimate(seconds: max(0, now.timeIntervalSince(unassignedSince)), bounded: false) }
        var estimate = Estimate(seconds: 0, bounded: true)
        for state in partitions.values {
            if let appliedUntil = state.appliedUntil {
                estimate.seconds = max(estimate.seconds, now.timeIntervalSince(appliedUntil))
            } else {
                estimate.bounded = false
                estimate.seconds = max(estimate.seconds, now.timeIntervalSince(state.assignedAt))
            }
        }
        return estimate
    }

    /// The partitions of the topic with the number of their assignment, for asking their watermarks.
    public var assignment: [TopicPartition: UInt64] { partitions.mapValues(\.assignment) }
}
