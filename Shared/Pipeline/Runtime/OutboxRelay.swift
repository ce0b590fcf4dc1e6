import Foundation
import GRDB
import Kafka
import Logging
import ServiceLifecycle

/// Publishes outbox rows in order with the idempotent producer and deletes each row once the
/// broker has acknowledged it. Woken after every committed batch, and every second to retry.
///
/// On graceful shutdown it makes a last pass, bounded by `drainTimeout`; rows still unpublished
/// stay in the database and go out after the next start.
public final class OutboxRelay: Service, Sendable {
    private let writer: any DatabaseWriter
    private let producer: KafkaProducer
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let batchSize: Int
    private let drainTimeout: Duration

    init(store: ServiceStore, producer: KafkaProducer, logger: Logger, metrics: PipelineMetrics, batchSize: Int = 1_000, drainTimeout: Duration = .seconds(10)) {
        writer = store.writer
        self.producer = producer
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
        let left = try await writer.read { db in try OutboxRecord.fetchCount(db) }
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
                let rows = try await writer.read { db in
                    try OutboxRecord.order(OutboxRecord.CodingKeys.sequence).limit(limit).fetchAll(db)
                }
                if rows.isEmpty { break }
                let results = await producer.send(rows.map(\.kafkaRecord))
                let delivered = zip(rows, results).compactMap { row, result in (try? result.get()) != nil ? row.sequence : nil }
                if !delivered.isEmpty {
                    _ = try await writer.write { db in try OutboxRecord.deleteAll(db, keys: delivered) }
                    metrics.outboxPublished.increment(by: delivered.count)
                }
                if delivered.count < rows.count {
                    let failure = results.first { if case .failure = $0 { true } else { false } }
                    metrics.outboxFailures.increment(by: rows.count - delivered.count)
                    logger.warning("outbox records not delivered; retrying", metadata: ["outbox.failed": "\(rows.count - delivered.count)", "error": "\(String(describing: failure))"])
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

    private func hasPending() async throws -> Bool {
        try await writer.read { db in try OutboxRecord.fetchCount(db) > 0 }
    }

    private func updateDepth() async throws {
        let depth = try await writer.read { db in try OutboxRecord.fetchCount(db) }
        metrics.outboxDepth.record(depth)
    }
}
