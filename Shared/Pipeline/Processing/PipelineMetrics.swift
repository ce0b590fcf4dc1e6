import Metrics
import Models
import Synchronization

/// The pipeline's Prometheus series. Metric objects are created once per label set and reused.
package final class PipelineMetrics: Sendable {
    private let factory: any MetricsFactory
    private let commandCounters = Mutex<[String: Counter]>([:])
    private let handlerTimers = Mutex<[String: Timer]>([:])
    private let deadLetters: Counter
    private let duplicates: Counter
    private let eventsApplied: Counter
    private let forgedEvents: Counter
    private let forwarded: Counter
    private let rateLimitRefusals: [RateLimitGate.Kind: Counter]
    package let batchSize: Recorder
    package let batchDuration: Timer
    package let outboxDepth: Gauge
    package let outboxPublished: Counter
    package let outboxFailures: Counter
    /// Records taken out of the send path for good because the producer or the broker refuses them.
    package let outboxParked: Counter
    package let batchFailures: Counter
    /// Batches run again with a savepoint per command, because one failed after it wrote.
    package let batchRerunWithSavepoints: Counter
    /// From a consumed record's timestamp (its producer's clock) to the commit of its batch: time
    /// in Kafka, in the consumer and behind the batch before it.
    package let recordAgeAtCommit: Timer
    /// From the start of the batch that queued an outbox record to the broker's acknowledgement.
    package let outboxAgeAtDelivery: Timer

    /// Bounds of the duration histograms: finer than Prometheus' default below 100 ms, where a
    /// command's latency target (25 ms) lies.
    package static let durationBuckets: [Duration] = [1, 2.5, 5, 10, 15, 20, 25, 35, 50, 75, 100, 150, 250, 500, 1_000, 2_500, 5_000, 10_000]
        .map { Duration.microseconds(Int64($0 * 1_000)) }

    /// Labels only these types; any other is counted as ``unknownType``, so that what a sender
    /// writes in `ce_type` can never make a new series.
    private let knownTypes: Set<String>
    package static let unknownType = "unknown"

    package init(factory: any MetricsFactory, knownTypes: Set<MessageType>) {
        self.factory = factory
        self.knownTypes = Set(knownTypes.map(\.rawValue))
        deadLetters = Counter(label: "tenancy_dead_letters_total", factory: factory)
        duplicates = Counter(label: "tenancy_duplicate_commands_total", factory: factory)
        eventsApplied = Counter(label: "tenancy_events_applied_total", factory: factory)
        forgedEvents = Counter(label: "tenancy_forged_events_total", factory: factory)
        forwarded = Counter(label: "tenancy_commands_forwarded_total", factory: factory)
        rateLimitRefusals = Dictionary(
            uniqueKeysWithValues: RateLimitGate.Kind.allCases.map {
                ($0, Counter(label: "tenancy_rate_limited_total", dimensions: [("limit", $0.rawValue)], factory: factory))
            }
        )
        batchSize = Recorder(label: "tenancy_batch_size", dimensions: [], aggregate: true, factory: factory)
        batchDuration = Timer(label: "tenancy_batch_duration_seconds", dimensions: [], factory: factory)
        outboxDepth = Gauge(label: "tenancy_outbox_depth", factory: factory)
        outboxPublished = Counter(label: "tenancy_outbox_published_total", factory: factory)
        outboxFailures = Counter(label: "tenancy_outbox_failures_total", factory: factory)
        outboxParked = Counter(label: "tenancy_outbox_parked_total", factory: factory)
        batchFailures = Counter(label: "tenancy_batch_failures_total", factory: factory)
        batchRerunWithSavepoints = Counter(label: "tenancy_batches_rerun_with_savepoints_total", factory: factory)
        recordAgeAtCommit = Timer(label: "tenancy_record_age_at_commit_seconds", dimensions: [], factory: factory)
        outboxAgeAtDelivery = Timer(label: "tenancy_outbox_age_at_delivery_seconds", dimensions: [], factory: factory)
    }

    package func command(type: String, status: CommandResult.Status, code: ErrorCode?) {
        var dimensions = [("type", label(type)), ("status", status.rawValue)]
        if let code { dimensions.append(("code", code.rawValue)) }
        Self.cached(commandCounters, dimensions) { Counter(label: "tenancy_commands_total", dimensions: dimensions, factory: factory) }.increment()
    }

    /// Time one command spent in its handler (authenticate, decide, apply).
    package func handled(type: String, seconds: Double) {
        let dimensions = [("type", label(type))]
        Self.cached(handlerTimers, dimensions) { Timer(label: "tenancy_handler_duration_seconds", dimensions: dimensions, factory: factory) }
            .recordSeconds(seconds)
    }

    private func label(_ type: String) -> String {
        knownTypes.contains(type) ? type : Self.unknownType
    }

    /// Metric objects are looked up by their label set so each is created once.
    private static func cached<Metric>(_ cache: borrowing Mutex<[String: Metric]>, _ dimensions: [(String, String)], make: () -> Metric) -> Metric {
        let key = dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return cache.withLock { metrics in
            if let metric = metrics[key] { return metric }
            let metric = make()
            metrics[key] = metric
            return metric
        }
    }

    package func deadLettered() { deadLetters.increment() }
    package func duplicate() { duplicates.increment() }
    package func eventApplied() { eventsApplied.increment() }
    /// An event refused because its topic's owner did not make it (dead-lettered as `forged_event`).
    package func forgedEvent() { forgedEvents.increment() }
    /// A command sent on to the task that owns what it changes.
    package func commandForwarded() { forwarded.increment() }

    /// A command refused by a rate limit, counted by the limit that refused it.
    package func rateLimited(_ kind: RateLimitGate.Kind) { rateLimitRefusals[kind]?.increment() }

    package func lagGauge(for partition: String) -> Gauge {
        Gauge(label: "tenancy_consumer_lag", dimensions: [("partition", partition)], factory: factory)
    }
}

extension Duration {
    /// The duration in seconds, as timers record it.
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
