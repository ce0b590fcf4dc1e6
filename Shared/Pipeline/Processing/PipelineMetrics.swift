import Metrics
import Models
import Synchronization

/// The pipeline's Prometheus series. Metric objects are created once per label set and reused.
final class PipelineMetrics: Sendable {
    private let factory: any MetricsFactory
    private let commandCounters = Mutex<[String: Counter]>([:])
    private let handlerTimers = Mutex<[String: Timer]>([:])
    private let deadLetters: Counter
    private let duplicates: Counter
    private let eventsApplied: Counter
    let batchSize: Recorder
    let batchDuration: Timer
    let outboxDepth: Gauge
    let outboxPublished: Counter
    let outboxFailures: Counter
    let batchFailures: Counter
    /// From a consumed record's timestamp (its producer's clock) to the commit of its batch: time
    /// in Kafka, in the consumer and behind the batch before it.
    let recordAgeAtCommit: Timer
    /// From the start of the batch that queued an outbox record to the broker's acknowledgement.
    let outboxAgeAtDelivery: Timer

    /// Bounds of the duration histograms: finer than Prometheus' default below 100 ms, where a
    /// command's latency target (25 ms) lies.
    static let durationBuckets: [Duration] = [1, 2.5, 5, 10, 15, 20, 25, 35, 50, 75, 100, 150, 250, 500, 1_000, 2_500, 5_000, 10_000]
        .map { Duration.microseconds(Int64($0 * 1_000)) }

    init(factory: any MetricsFactory) {
        self.factory = factory
        deadLetters = Counter(label: "tenancy_dead_letters_total", factory: factory)
        duplicates = Counter(label: "tenancy_duplicate_commands_total", factory: factory)
        eventsApplied = Counter(label: "tenancy_events_applied_total", factory: factory)
        batchSize = Recorder(label: "tenancy_batch_size", dimensions: [], aggregate: true, factory: factory)
        batchDuration = Timer(label: "tenancy_batch_duration_seconds", dimensions: [], factory: factory)
        outboxDepth = Gauge(label: "tenancy_outbox_depth", factory: factory)
        outboxPublished = Counter(label: "tenancy_outbox_published_total", factory: factory)
        outboxFailures = Counter(label: "tenancy_outbox_failures_total", factory: factory)
        batchFailures = Counter(label: "tenancy_batch_failures_total", factory: factory)
        recordAgeAtCommit = Timer(label: "tenancy_record_age_at_commit_seconds", dimensions: [], factory: factory)
        outboxAgeAtDelivery = Timer(label: "tenancy_outbox_age_at_delivery_seconds", dimensions: [], factory: factory)
    }

    func command(type: String, status: CommandResult.Status, code: ErrorCode?) {
        var dimensions = [("type", type), ("status", status.rawValue)]
        if let code { dimensions.append(("code", code.rawValue)) }
        Self.cached(commandCounters, dimensions) { Counter(label: "tenancy_commands_total", dimensions: dimensions, factory: factory) }.increment()
    }

    /// Time one command spent in its handler (authenticate, decide, apply).
    func handled(type: String, seconds: Double) {
        let dimensions = [("type", type)]
        Self.cached(handlerTimers, dimensions) { Timer(label: "tenancy_handler_duration_seconds", dimensions: dimensions, factory: factory) }.recordSeconds(seconds)
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

    func deadLettered() { deadLetters.increment() }
    func duplicate() { duplicates.increment() }
    func eventApplied() { eventsApplied.increment() }

    func lagGauge(for partition: String) -> Gauge {
        Gauge(label: "tenancy_consumer_lag", dimensions: [("partition", partition)], factory: factory)
    }
}

extension Duration {
    /// The duration in seconds, as timers record it.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
