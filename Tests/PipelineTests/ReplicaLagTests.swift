import Foundation
import Kafka
import Logging
import Metrics
import MetricsTestKit
import Models
import Testing

@testable import Pipeline

/// The bound on how far a replica is behind its source topic, from what committed batches applied
/// and the partition ends the consumer reached.
@Suite("Replica lag")
struct ReplicaLagTests {
    let topic = "tenancy.lifecycle.events"
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    var p0: TopicPartition { TopicPartition(topic: topic, partition: 0) }
    var p1: TopicPartition { TopicPartition(topic: topic, partition: 1) }
    var commands: TopicPartition { TopicPartition(topic: "tenancy.sharing.commands", partition: 0) }

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// A record of `partition` at `offset`, appended `seconds` after the start.
    func record(_ partition: TopicPartition, _ offset: Int64, appended seconds: Double?) -> KafkaConsumedMessage {
        KafkaConsumedMessage(
            topic: partition.topic,
            partition: partition.partition,
            offset: offset,
            key: nil,
            value: nil,
            headers: [],
            timestampMilliseconds: seconds.map { Int64((start.timeIntervalSince1970 + $0) * 1_000) }
        )
    }

    func end(_ partition: TopicPartition, _ offset: Int64) -> PartitionEnd { PartitionEnd(partition: partition, offset: offset) }

    @Test func nothingAssignedIsUnboundedSinceTheStart() {
        var lag = ReplicaLag(topic: topic, now: start)
        #expect(lag.behind(now: at(4)) == .init(seconds: 4, bounded: false))
        // Another topic's partitions do not count.
        lag.assign([commands: 1], now: at(5))
        #expect(lag.behind(now: at(6)) == .init(seconds: 6, bounded: false))
    }

    @Test func anAssignedPartitionIsUnboundedUntilItsReachedEndIsConfirmedByTheBroker() {
        var lag = ReplicaLag(topic: topic, now: start)
        let assignment: [TopicPartition: UInt64] = [p0: 1, commands: 2]
        lag.assign(assignment, now: at(10))
        #expect(lag.behind(now: at(12)) == .init(seconds: 2, bounded: false))
        // Nothing of this assignment applied: the end reached says where it is, not how old.
        lag.committed([], ends: [end(p0, 2)], readUnder: assignment)
        #expect(!lag.behind(now: at(13)).bounded)
        // The broker, asked at 14, has nothing past the end reached (Tansu under-reports: 1 for 2).
        lag.confirm([p0: 1], askedAt: at(14), readUnder: assignment)
        #expect(lag.behind(now: at(14.5)) == .init(seconds: 0.5, bounded: true))
        lag.confirm([p0: 2], askedAt: at(20), readUnder: assignment)
        #expect(lag.behind(now: at(21)) == .init(seconds: 1, bounded: true))
        // Idle and unconfirmed (the broker does not answer): the bound grows.
        #expect(lag.behind(now: at(60)) == .init(seconds: 40, bounded: true))
    }

    @Test func aWatermarkPastTheReachedEndConfirmsNothing() {
        var lag = ReplicaLag(topic: topic, now: start)
        let assignment: [TopicPartition: UInt64] = [p0: 1]
        lag.assign(assignment, now: at(0))
        lag.committed([record(p0, 0, appended: 1), record(p0, 1, appended: 2)], ends: [end(p0, 2)], readUnder: assignment)
        lag.confirm([p0: 2], askedAt: at(3), readUnder: assignment)
        #expect(lag.behind(now: at(3)) == .init(seconds: 0, bounded: true))
        // A batch appended after the end starts at or past it: 3 on Tansu for records 2...4.
        lag.confirm([p0: 3], askedAt: at(5), readUnder: assignment)
        #expect(lag.behind(now: at(10)) == .init(seconds: 7, bounded: true))
        // Its records applied: bounded by the last one's age, and no longer confirmable by a watermark.
        lag.committed([record(p0, 2, appended: 4), record(p0, 4, appended: 4.5)], ends: [], readUnder: assignment)
        lag.confirm([p0: 3], askedAt: at(11), readUnder: assignment)
        #expect(lag.behind(now: at(12)) == .init(seconds: 7.5, bounded: true))
        // Then the end after them, confirmed.
        lag.committed([], ends: [end(p0, 5)], readUnder: assignment)
        lag.confirm([p0: 3], askedAt: at(12), readUnder: assignment)
        #expect(lag.behind(now: at(12)) == .init(seconds: 0, bounded: true))
    }

    @Test func recordsBoundTheLagByTheLastOnesAgeAndAnEndBeforeARecordIsNotReached() {
        var lag = ReplicaLag(topic: topic, now: start)
        let assignment: [TopicPartition: UInt64] = [p0: 1]
        lag.assign(assignment, now: at(100))
        // A backlog: the records applied are old; whatever follows them was appended later.
        lag.committed([record(p0, 7, appended: 20), record(p0, 5, appended: 10)], ends: [], readUnder: assignment)
        #expect(lag.behind(now: at(101)) == .init(seconds: 81, bounded: true))
        lag.committed([record(p0, 8, appended: 95)], ends: [], readUnder: assignment)
        #expect(lag.behind(now: at(102)) == .init(seconds: 7, bounded: true))
        // The end reached, then a record appended after it, in one batch: not at the end.
        lag.committed([record(p0, 9, appended: 96)], ends: [end(p0, 9)], readUnder: assignment)
        lag.confirm([p0: 9], askedAt: at(103), readUnder: assignment)
        #expect(lag.behind(now: at(103)) == .init(seconds: 7, bounded: true))
        lag.committed([], ends: [end(p0, 10)], readUnder: assignment)
        lag.confirm([p0: 10], askedAt: at(104), readUnder: assignment)
        #expect(lag.behind(now: at(104)) == .init(seconds: 0, bounded: true))
    }

    @Test func aRecordWithoutATimestampBoundsNothingUntilTheEndIsConfirmed() {
        var lag = ReplicaLag(topic: topic, now: start)
        let assignment: [TopicPartition: UInt64] = [p0: 1]
        lag.assign(assignment, now: at(0))
        lag.committed([record(p0, 0, appended: nil)], ends: [], readUnder: assignment)
        #expect(!lag.behind(now: at(1)).bounded)
        lag.committed([], ends: [end(p0, 1)], readUnder: assignment)
        lag.confirm([p0: 1], askedAt: at(2), readUnder: assignment)
        #expect(lag.behind(now: at(2)) == .init(seconds: 0, bounded: true))
    }

    @Test func theLagIsTheLargestOverPartitionsAndAnUnknownOneMakesItUnbounded() {
        var lag = ReplicaLag(topic: topic, now: start)
        let assignment: [TopicPartition: UInt64] = [p0: 1, p1: 2]
        lag.assign(assignment, now: at(0))
        lag.committed([record(p0, 0, appended: 1)], ends: [end(p0, 1)], readUnder: assignment)
        lag.confirm([p0: 1], askedAt: at(2), readUnder: assignment)
        #expect(lag.behind(now: at(3)) == .init(seconds: 3, bounded: false), "p1 is not known since it was assigned")
        lag.committed([record(p1, 0, appended: 2)], ends: [], readUnder: assignment)
        #expect(lag.behind(now: at(5)) == .init(seconds: 3, bounded: true))
        lag.committed([], ends: [end(p1, 1)], readUnder: assignment)
        lag.confirm([p0: 1, p1: 1], askedAt: at(6), readUnder: assignment)
        #expect(lag.behind(now: at(6)) == .init(seconds: 0, bounded: true))
    }

    @Test func aReassignedPartitionIsUnknownAgainAndIgnoresWhatWasReadBefore() {
        var lag = ReplicaLag(topic: topic, now: start)
        let first: [TopicPartition: UInt64] = [p0: 1, p1: 2]
        lag.assign(first, now: at(0))
        lag.committed([], ends: [end(p0, 0), end(p1, 0)], readUnder: first)
        lag.confirm([p0: 0, p1: 0], askedAt: at(1), readUnder: first)
        #expect(lag.behind(now: at(1)) == .init(seconds: 0, bounded: true))

        // p0 taken away and given back; p1 kept.
        let second: [TopicPartition: UInt64] = [p0: 3, p1: 2]
        lag.assign([p1: 2], now: at(2))
        lag.assign(second, now: at(4))
        #expect(lag.behind(now: at(5)) == .init(seconds: 4, bounded: false), "p1 last confirmed at 1")
        // A batch polled, or a watermark asked, before the new assignment says nothing about it.
        lag.committed([], ends: [end(p0, 3)], readUnder: first)
        lag.confirm([p0: 3], askedAt: at(5), readUnder: first)
        #expect(!lag.behind(now: at(6)).bounded)
        lag.committed([], ends: [end(p0, 3)], readUnder: second)
        lag.confirm([p0: 3, p1: 0], askedAt: at(7), readUnder: second)
        #expect(lag.behind(now: at(7)) == .init(seconds: 0, bounded: true))

        // Everything taken away: unbounded from then on.
        lag.assign([:], now: at(10))
        #expect(lag.behind(now: at(12)) == .init(seconds: 2, bounded: false))
    }

    @Test func theGateRefusesAsUnavailableBeyondTheLimitAndCountsRefusals() throws {
        let metrics = TestMetrics()
        let gate = ReplicaFreshnessGate(
            topic: topic,
            sourceName: "Lifecycle's events",
            maxLagSeconds: 30,
            factory: metrics,
            logger: Logger(label: "test.freshness"),
            now: start
        )
        let envelope = Envelope(id: "cmd-1", type: CreateWorkspace.messageType, source: "/tests", time: start, subject: nil, payload: Data("{}".utf8))
        let assignment: [TopicPartition: UInt64] = [p0: 1]
        gate.assign(assignment, now: at(1))
        #expect(throws: Rejection.self) { try gate.admit(envelope, from: .tokenHolder("someone"), now: at(2)) }

        gate.committed([record(p0, 0, appended: 0)], ends: [], readUnder: assignment, now: at(3))
        try gate.admit(envelope, from: .tokenHolder("someone"), now: at(30))
        do {
            try gate.admit(envelope, from: .tokenHolder("someone"), now: at(42.4))
            Issue.record("admitted 42 s behind")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.retryAfterSeconds == 5)
            #expect(error.message.contains("42.4 s behind on Lifecycle's events (the limit is 30 s)"), "\(error.message)")
        }
        #expect(try metrics.expectCounter("tenancy_replica_lag_refusals_total").totalValue == 2)
        _ = gate.behind(now: at(42.4))
        #expect(abs(try #require(try metrics.expectGauge("tenancy_replica_lag_seconds").lastValue) - 42.4) < 0.001)

        gate.committed([], ends: [end(p0, 1)], readUnder: assignment, now: at(43))
        gate.confirm([p0: 1], askedAt: at(43), readUnder: assignment, now: at(43))
        try gate.admit(envelope, from: .tokenHolder("someone"), now: at(43))
        #expect(try metrics.expectGauge("tenancy_replica_lag_seconds").lastValue == 0)
    }

    @Test func aLimitOfZeroMeasuresButNeverRefuses() throws {
        let gate = ReplicaFreshnessGate(
            topic: topic,
            sourceName: "Lifecycle's events",
            maxLagSeconds: 0,
            factory: TestMetrics(),
            logger: Logger(label: "test.freshness"),
            now: start
        )
        let envelope = Envelope(id: "cmd-1", type: CreateWorkspace.messageType, source: "/tests", time: start, subject: nil, payload: Data("{}".utf8))
        try gate.admit(envelope, from: .tokenHolder("someone"), now: at(1_000))
        #expect(gate.behind(now: at(1_000)) == .init(seconds: 1_000, bounded: false))
    }
}
