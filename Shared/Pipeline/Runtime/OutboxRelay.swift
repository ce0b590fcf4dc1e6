import Foundation
import GRDB
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes outbox rows in order with the idempotent producer and deletes each row once the
/// broker has acknowledged it. Woken after every committed batch, and every second to retry.
///
/// On graceful shutdown it makes a last pass, bounded by `drainTimeout`; rows still unpublished
/// stay in the database and go out after the next start.
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
    private let batchSize: Int
    private let drainTimeout: Duration

    /// `makeProducer` builds a replacement when the producer cannot go on: a broker that lost its
    /// state (a restarted in-memory broker) refuses the old producer's id or sequence for good.
    init(
        store: ServiceStore, producer: KafkaProducer, makeProducer: @escaping @Sendable () throws -> KafkaProducer, logger: Logger, metrics: PipelineMetrics,
        batchSize: Int = 1_000, drainTimeout: Duration = .seconds(10)
    ) {
        writer = store.writer
        self.producer = Mutex(producer)
        initialProducer = producer
        self.makeProducer = makeProducer
        self.logger = logger
        self.metrics = metrics
        self.batchSize = batchSize
        self.drainTimeout = drainTimeout
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a publishing pass soon; calls coalesce.
    public func notify() {
        wakeup.yield()
    }

    public func run() async throws {
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                wakeup.yield()
            }
        }
        defer { ticker.cancel() }
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                await publishPending()
            }
        } onGracefulShutdown: {
            self.wakeup.finish()
        }
        let deadline = ContinuousClock.now + drainTimeout
        while ContinuousClock.now < deadline, await publishPending(), try await hasPending() {}
        let current = producer.withLock { $0 }
        if current !== initialProducer { current.close() }
        let left = try await writer.read(Outbox.depth)
        if left > 0 {
            logger.warning("outbox not empty at shutdown; it is published after the next start", metadata: ["outbox.depth": "\(left)"])
        }
    }

    /// One pass over everything pending, in order. Returns false when a record could not be delivered.
    @discardableResult
    func publishPending() async -> Bool {
        do {
            while true {
                let limit = batchSize
                let rows = try await writer.read { db in try Outbox.oldest(limit, db: db) }
                if rows.isEmpty { break }
                let current = producer.withLock { $0 }
                let results = await current.send(rows.map(\.record))
                let delivered = zip(rows, results).compactMap { row, result in (try? result.get()) != nil ? row.sequence : nil }
                if !delivered.isEmpty {
                    try await writer.write { db in try Outbox.remove(delivered, db: db) }
                    metrics.outboxPublished.increment(by: delivered.count)
                }
                if delivered.count < rows.count {
                    let failure = results.lazy.compactMap { if case .failure(let error) = $0 { error } else { nil } }.first
                    metrics.outboxFailures.increment(by: rows.count - delivered.count)
                    logger.warning("outbox records not delivered; retrying", metadata: ["outbox.failed": "\(rows.count - delivered.count)", "error": "\(String(describing: failure))"])
                    if current.fatalError != nil || (delivered.isEmpty && renewalAllowed() && current.isClusterReachable(timeoutMilliseconds: 2_000)) {
                        renew(current)
                    }
                    try await updateDepth()
                    return false
                }
                if rows.count < limit { break }
            }
            try await updateDepth()
            return true
        } catch {
            logger.error("outbox pass failed", metadata: ["error": "\(error)"])
            return false
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
            logger.warning("the producer cannot deliver although the cluster answers (the broker may have lost its state); publishing through a new producer", metadata: [
                "kafka.fatal_error": "\(stale.fatalError.map { "\($0)" } ?? "none")",
            ])
            stale.close(timeout: .zero)
        } catch {
            logger.error("cannot create a new producer", metadata: ["error": "\(error)"])
        }
    }

    private func hasPending() async throws -> Bool {
        try await writer.read { db in try Outbox.depth(db) > 0 }
    }

    private func updateDepth() async throws {
        let depth = try await writer.read(Outbox.depth)
        metrics.outboxDepth.record(depth)
    }
}
