import Foundation
import Kafka
import Logging
import Metrics
import Models
import Synchronization

/// Refuses commands (`unavailable`) while the replica they are authenticated against may be more
/// than ``maxLagSeconds`` behind its source topic on the broker, as ``ReplicaLag`` bounds it. A key
/// revoked, a member removed or a role lowered at Lifecycle therefore stops working here within that
/// bound, or the command is refused. Fed by the replica reader after each committed batch and by the
/// broker's watermarks; read by the pipeline, the readiness check and `/metrics`.
public final class ReplicaFreshnessGate: CommandGate, Sendable {
    /// Seconds behind beyond which commands are refused; 0 measures but never refuses.
    public let maxLagSeconds: Double
    /// What the replica follows, for people: "Lifecycle's events".
    public let sourceName: String
    private let state: Mutex<State>
    private let lagGauge: Gauge
    private let refusals: Counter
    private let logger: Logger

    private struct State {
        var lag: ReplicaLag
        /// Whether the last look found the replica within the limit, to log each change once.
        var current = false
    }

    package init(topic: String, sourceName: String, maxLagSeconds: Double, factory: any MetricsFactory, logger: Logger, now: Date = Date()) {
        self.maxLagSeconds = maxLagSeconds
        self.sourceName = sourceName
        self.logger = logger
        state = Mutex(State(lag: ReplicaLag(topic: topic, now: now)))
        lagGauge = Gauge(label: "tenancy_replica_lag_seconds", factory: factory)
        refusals = Counter(label: "tenancy_replica_lag_refusals_total", factory: factory)
    }

    public var topic: String { state.withLock { $0.lag.topic } }

    /// Follows the replica reader's assignment (every partition of the topic, once, at its start).
    public func assign(_ assignment: [TopicPartition: UInt64], now: Date) {
        state.withLock { $0.lag.assign(assignment, now: now) }
        _ = behind(now: now)
    }

    /// What a batch applied, once it committed.
    public func committed(_ messages: [KafkaConsumedMessage], ends: [PartitionEnd], readUnder assignment: [TopicPartition: UInt64], now: Date) {
        state.withLock { $0.lag.committed(messages, ends: ends, readUnder: assignment) }
        _ = behind(now: now)
    }

    /// High watermarks the broker gave, asked at `askedAt` for the partitions of ``assignment``.
    public func confirm(_ highWatermarks: [TopicPartition: Int64], askedAt: Date, readUnder assignment: [TopicPartition: UInt64], now: Date) {
        state.withLock { $0.lag.confirm(highWatermarks, askedAt: askedAt, readUnder: assignment) }
        _ = behind(now: now)
    }

    /// The assigned partitions of the source topic, with the number of their assignment.
    public var assignment: [TopicPartition: UInt64] { state.withLock { $0.lag.assignment } }

    /// How often the broker's watermarks should be asked: often enough that an idle, current
    /// replica stays well within the limit.
    public var confirmationInterval: Duration {
        maxLagSeconds > 0 ? .milliseconds(Int64(min(1_000, max(100, maxLagSeconds * 1_000 / 4)))) : .seconds(1)
    }

    /// The bound now; sets the gauge and logs when the replica falls behind the limit or comes back.
    public func behind(now: Date) -> ReplicaLag.Estimate {
        let (estimate, changed) = state.withLock { state in
            let estimate = state.lag.behind(now: now)
            let current = isCurrent(estimate)
            defer { state.current = current }
            return (estimate, current != state.current ? current : nil)
        }
        lagGauge.record(estimate.seconds)
        if let changed, maxLagSeconds > 0 {
            if changed {
                logger.info("replica current: taking commands", metadata: ["replica.lag_seconds": "\(Self.rounded(estimate.seconds))"])
            } else {
                logger.warning(
                    "replica behind: refusing commands as unavailable",
                    metadata: [
                        "replica.lag_seconds": "\(Self.rounded(estimate.seconds))", "replica.bounded": "\(estimate.bounded)",
                        "replica.max_lag_seconds": "\(maxLagSeconds)",
                    ]
                )
            }
        }
        return estimate
    }

    /// Whether commands are taken at this estimate.
    public func isCurrent(_ estimate: ReplicaLag.Estimate) -> Bool {
        maxLagSeconds == 0 || (estimate.bounded && estimate.seconds <= maxLagSeconds)
    }

    public func admit(_ envelope: Envelope, from sender: Sender, now: Date) throws(Rejection) {
        let estimate = state.withLock { $0.lag.behind(now: now) }
        guard !isCurrent(estimate) else { return }
        refusals.increment()
        throw Self.refusal(estimate, sourceName: sourceName, maxLagSeconds: maxLagSeconds)
    }

    /// The answer to a command refused at this estimate. It is worth sending again after a few
    /// seconds: a replica that reached the end of its source is current at once.
    static func refusal(_ estimate: ReplicaLag.Estimate, sourceName: String, maxLagSeconds: Double) -> Rejection {
        let retryAfter = max(1, min(5, maxLagSeconds.rounded(.up)))
        let limit = "the limit is \(rounded(maxLagSeconds)) s"
        let state =
            estimate.bounded
            ? "is \(rounded(estimate.seconds)) s behind on \(sourceName) (\(limit))"
            : "has not caught up with \(sourceName) since it began reading them \(rounded(estimate.seconds)) s ago (\(limit))"
        return Rejection(
            .unavailable,
            "this service \(state), so it cannot check this command against current keys, members and roles; "
                + "the command had no effect: send it again after \(rounded(retryAfter)) s",
            retryAfterSeconds: retryAfter
        )
    }

    private static func rounded(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
