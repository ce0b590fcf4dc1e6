import Foundation
import GRDB
import Kafka
import Logging
import Models
import Pipeline
import ServiceLifecycle
import Synchronization
import Tracing

/// Publishes outbox rows in order with the idempotent producer. Woken after every committed
/// batch, and every second to retry.
///
/// Sending never waits for the database writer, which is busy with the next batch: the relay goes
/// on from an in-memory cursor, and rows the broker acknowledged are deleted by a separate loop.
/// A row is sent again only when it was not acknowledged, or when the service stopped before
/// deleting it; every copy has the same bytes and `ce_id`, which consumers dedupe.
///
/// A row the producer or the broker refuses for good (``KafkaError/isPermanentRecordRefusal``:
/// too large, invalid, a topic this service may not write) is parked: moved out of the outbox into
/// the `parked` table in one transaction with a dead letter describing it, counted in
/// `tenancy_outbox_parked_total` and logged as an error. The relay goes on with the rows after
/// it, so per key the order holds among the rows that are delivered; a parked row is never sent
/// unless an operator queues it again.
///
/// On graceful shutdown it makes a last pass, bounded by `drainTimeout`, and deletes what was
/// acknowledged; rows still unpublished stay in the database and go out after the next start.
public final class OutboxRelay: Service, Sendable {
    private let writer: any DatabaseWriter
    /// The producer in use: the service's own, or a new one after the cluster forgot the old one.
    private let producer: Mutex<KafkaProducer>
    /// When the producer was last replaced; replacements for failing batches are at least `renewalInterval` apart.
    private let lastRenewal = Mutex<ContinuousClock.Instant?>(nil)
    private let renewalInterval = Duration.seconds(30)
    private let initialProducer: KafkaProducer
    private let makeProducer: @Sendable () throws -> KafkaProducer
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    /// The last row acknowledged by the broker together with every row before it.
    private let cursor = Mutex<Int64>(0)
    /// Rows the broker acknowledged beyond the cursor, after one before them failed: not sent again.
    private let acknowledgedAhead = Mutex<Set<Int64>>([])
    /// Acknowledged rows not deleted yet, and the signal that there are some.
    private let acknowledged = Mutex<[Int64]>([])
    private let deletions: AsyncStream<Void>
    private let deletion: AsyncStream<Void>.Continuation
    private let batchSize: Int
    private let drainTimeout: Duration
    private let deadLetters: DeadLetters
    /// Since when passes have ended with records not delivered; nil after a pass that delivered everything.
    private let failingSince = Mutex<ContinuousClock.Instant?>(nil)

    /// `makeProducer` builds a replacement when the producer cannot go on: a broker that lost its
    /// state (a restarted in-memory broker) refuses the old producer's id or sequence for good.
    init(
        store: ServiceStore,
        producer: KafkaProducer,
        makeProducer: @escaping @Sendable () throws -> KafkaProducer,
        logger: Logger,
        metrics: PipelineMetrics,
        deadLetters: DeadLetters,
        batchSize: Int = 2_000,
        drainTimeout: Duration = .seconds(10)
    ) {
        writer = store.writer
        self.producer = Mutex(producer)
        initialProducer = producer
        self.makeProducer = makeProducer
        self.logger = logger
        self.metrics = metrics
        self.deadLetters = deadLetters
        self.batchSize = batchSize
        self.drainTimeout = drainTimeout
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (deletions, deletion) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a publishing pass soon; calls coalesce.
    public func notify() {
        wakeup.yield()
    }

    /// How long passes have been ending with records not delivered; nil while the relay keeps up.
    public var failingFor: Duration? {
        failingSince.withLock { since in since.map { ContinuousClock.now - $0 } }
    }

    public func run() async throws {
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                wakeup.yield()
            }
        }
        defer { ticker.cancel() }
        let deleter = Task {
            for await _ in deletions { await deleteAcknowledged() }
        }
        defer { deletion.finish() }
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                await publishPending()
            }
        } onGracefulShutdown: {
            self.wakeup.finish()
        }
        let deadline = ContinuousClock.now + drainTimeout
        while ContinuousClock.now < deadline, await publishPending(), try await hasPending() {}
        deletion.finish()
        await deleter.value
        await deleteAcknowledged()
        let current = producer.withLock { $0 }
        if current !== initialProducer { current.close() }
        let left = try await unpublished()
        if left > 0 {
            logger.warning("outbox not empty at shutdown; it is published after the next start", metadata: ["outbox.depth": "\(left)"])
        }
    }

    /// One pass over everything pending, in order. Returns false when a record could not be delivered.
    @discardableResult
    func publishPending() async -> Bool {
        let delivered = await deliverPending()
        failingSince.withLock { since in since = delivered ? nil : (since ?? .now) }
        return delivered
    }

    private func deliverPending() async -> Bool {
        do {
            while true {
                let (limit, after) = (batchSize, cursor.withLock { $0 })
                let rows = try await writer.read { db in try Outbox.oldest(limit, after: after, db: db) }
                if rows.isEmpty { break }
                // Rows acknowledged after an earlier failure wait here for the gap before them to fill.
                let pending = acknowledgedAhead.withLock { ahead in rows.filter { !ahead.contains($0.sequence) } }
                let current = producer.withLock { $0 }
                let sent = DefaultTracerClock.now
                let results = pending.isEmpty ? [] : await current.send(pending.map(\.record))
                Self.recordSpans(of: pending, results: results, sent: sent)
                let deliveredRows = zip(pending, results).compactMap { row, result in (try? result.get()) != nil ? row : nil }
                let delivered = deliveredRows.map(\.sequence)
                let acknowledgedAt = Date().timeIntervalSince1970
                for row in deliveredRows { metrics.outboxAgeAtDelivery.recordSeconds(max(0, acknowledgedAt - row.queuedAt)) }
                let refused = zip(pending, results).compactMap { row, result -> (OutboxRecord, KafkaError)? in
                    guard case .failure(let error) = result, error.isPermanentRecordRefusal else { return nil }
                    return (row, error)
                }
                let parked = await park(refused)
                let firstFailed = zip(pending, results).first { row, result in (try? result.get()) == nil && !parked.contains(row.sequence) }?
                    .0.sequence
                // Every row up to the new cursor is acknowledged or parked: the run before the first failure.
                let reached = firstFailed.map { failed in rows.last { $0.sequence < failed }?.sequence ?? after } ?? rows[rows.count - 1].sequence
                cursor.withLock { $0 = reached }
                acknowledgedAhead.withLock { ahead in
                    ahead.formUnion(delivered.filter { $0 > reached })
                    ahead = ahead.filter { $0 > reached }
                }
                if !delivered.isEmpty {
                    acknowledged.withLock { $0 += delivered }
                    deletion.yield()
                    metrics.outboxPublished.increment(by: delivered.count)
                }
                if let firstFailed {
                    let failed = pending.count - delivered.count - parked.count
                    let failure = zip(pending, results).lazy.compactMap { row, result -> KafkaError? in
                        guard case .failure(let error) = result, !parked.contains(row.sequence) else { return nil }
                        return error
                    }.first
                    metrics.outboxFailures.increment(by: failed)
                    logger.warning(
                        "outbox records not delivered; retrying",
                        metadata: [
                            "outbox.failed": "\(failed)", "outbox.first_failed": "\(firstFailed)",
                            "error": "\(String(describing: failure))",
                        ]
                    )
                    if current.fatalError != nil
                        || (delivered.isEmpty && parked.isEmpty && renewalAllowed() && current.isClusterReachable(timeoutMilliseconds: 2_000))
                    {
                        renew(current)
                    }
                    try await updateDepth()
                    return false
                }
                // The dead letters of parked rows were queued behind them: go on to send them now.
                if rows.count < limit && parked.isEmpty { break }
            }
            try await updateDepth()
            return true
        } catch {
            logger.error("outbox pass failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// A `publish` span per record that carries a sampled trace context, from its send to the
    /// broker's answer, under the span that queued it; nothing when no tracer records spans.
    private static func recordSpans(of rows: [OutboxRecord], results: [Result<DeliveryReport, KafkaError>], sent: DefaultTracerClock.Instant) {
        guard MessageTracing.isTracing else { return }
        for (row, result) in zip(rows, results) {
            let headers = row.record.headers
            func header(_ name: String) -> String? { headers.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) } }
            guard
                let parent = header(Envelope.Header.traceparent).flatMap({
                    TraceContext(traceparent: $0, tracestate: header(Envelope.Header.tracestate))
                }),
                parent.isSampled
            else { continue }
            let span = MessageTracing.start("publish " + row.record.topic, kind: .producer, parent: parent, at: sent)
            span.set("messaging.system", "kafka")
            span.set("messaging.destination.name", row.record.topic)
            if let id = header(Envelope.Header.id) { span.set("messaging.message.id", id) }
            if let type = header(Envelope.Header.type) { span.set("tenancy.message.type", type) }
            if case .failure(let error) = result {
                span.span?.recordError(error)
                span.span?.setStatus(SpanStatus(code: .error, message: "not delivered; sent again later"))
            }
            span.end()
        }
    }

    /// Parks rows refused for good, each with a dead letter describing it, in one transaction.
    /// Returns the rows no longer in the outbox; none when the database refuses (they are tried again).
    private func park(_ refused: [(OutboxRecord, KafkaError)]) async -> Set<Int64> {
        guard !refused.isEmpty else { return [] }
        let deadLetters = self.deadLetters
        do {
            let parked = try await writer.write { db in
                try refused.filter { row, error in
                    let reason = "refused for good: \(error.reason)"
                    return try Outbox.park(
                        sequence: row.sequence,
                        reason: reason,
                        kafkaError: error.rdKafkaError,
                        deadLetter: deadLetters.undeliverable(row.record, reason: reason),
                        now: Date(),
                        db: db
                    )
                }
            }
            for (row, error) in parked {
                logger.error(
                    "outbox record refused for good; parked, with a dead letter describing it",
                    metadata: [
                        "outbox.sequence": "\(row.sequence)", "kafka.topic": "\(row.record.topic)",
                        "ce_id":
                            "\(row.record.headers.first { $0.name == Envelope.Header.id }.map { String(decoding: $0.value, as: UTF8.self) } ?? "")",
                        "record.bytes": "\(RecordLimits.size(of: row.record))", "error": "\(error)",
                    ]
                )
            }
            metrics.outboxParked.increment(by: parked.count)
            return Set(parked.map(\.0.sequence))
        } catch {
            logger.error("cannot park refused outbox records yet; retrying", metadata: ["outbox.refused": "\(refused.count)", "error": "\(error)"])
            return []
        }
    }

    /// Deletes the acknowledged rows in one transaction; if the database refuses, they are kept
    /// for the next attempt (they are behind the cursor, so they are not sent again meanwhile).
    private func deleteAcknowledged() async {
        let sequences = acknowledged.withLock { pending in
            defer { pending = [] }
            return pending
        }
        guard !sequences.isEmpty else { return }
        do {
            try await writer.write { db in try Outbox.remove(sequences, db: db) }
        } catch {
            acknowledged.withLock { $0 = sequences + $0 }
            logger.warning(
                "cannot delete published outbox rows yet; retrying",
                metadata: ["outbox.published": "\(sequences.count)", "error": "\(error)"]
            )
            try? await Task.sleep(for: .seconds(1))
            deletion.yield()
        }
    }

    private func renewalAllowed() -> Bool {
        lastRenewal.withLock { last in last.map { ContinuousClock.now - $0 >= renewalInterval } ?? true }
    }

    /// Replaces a producer that hit a fatal error (such as a sequence desynchronisation after the
    /// broker lost its state), or that delivered nothing of a batch while the cluster answers (its
    /// id refused or fenced by a broker that forgot it; records timing out); the records stay in the
    /// outbox and go out through the new one.
    private func renew(_ stale: KafkaProducer) {
        do {
            let fresh = try makeProducer()
            producer.withLock { $0 = fresh }
            lastRenewal.withLock { $0 = .now }
            logger.warning(
                "the producer cannot deliver although the cluster answers (the broker may have lost its state); publishing through a new producer",
                metadata: [
                    "kafka.fatal_error": "\(stale.fatalError.map { "\($0)" } ?? "none")"
                ]
            )
            stale.close(timeout: .zero)
        } catch {
            logger.error("cannot create a new producer", metadata: ["error": "\(error)"])
        }
    }

    private func hasPending() async throws -> Bool {
        try await unpublished() > 0
    }

    private func unpublished() async throws -> Int {
        let after = cursor.withLock { $0 }
        return try await writer.read { db in try Outbox.depth(after: after, db: db) }
    }

    private func updateDepth() async throws {
        metrics.outboxDepth.record(try await unpublished())
    }
}
