import Foundation
import Kafka
import Logging
import Pipeline
import ServiceLifecycle

/// Asks the broker, every ``ReplicaFreshnessGate/confirmationInterval``, for the high watermark of
/// each partition of the replica's source topic (all of them, read by the replica reader's
/// consumer), and gives the answers to the gate: a partition whose end it reached stays current
/// only while the broker confirms
/// nothing was appended after it. A broker that does not answer confirms nothing, so the bound grows.
final class ReplicaProbe: Service {
    private let consumer: KafkaConsumer
    private let gate: ReplicaFreshnessGate
    private let logger: Logger
    /// The watermark requests block; they run here, off the cooperative pool and the consumer's queue.
    private let queue = DispatchQueue(label: "replica-probe")

    init(consumer: KafkaConsumer, gate: ReplicaFreshnessGate, logger: Logger) {
        self.consumer = consumer
        self.gate = gate
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastWarning: ContinuousClock.Instant?
            while !Task.isCancelled {
                try? await Task.sleep(for: self.gate.confirmationInterval)
                guard !Task.isCancelled else { break }
                let assignment = self.gate.assignment
                guard !assignment.isEmpty else { continue }
                let askedAt = Date()
                let (highs, failure) = await self.highWatermarks(of: Array(assignment.keys))
                self.gate.confirm(highs, askedAt: askedAt, readUnder: assignment, now: Date())
                if let failure, lastWarning.map({ ContinuousClock.now - $0 >= .seconds(60) }) ?? true {
                    lastWarning = ContinuousClock.now
                    self.logger.warning(
                        "cannot ask the broker where the replica's source ends; its lag grows until it answers",
                        metadata: ["error": "\(failure)"]
                    )
                }
            }
        }
    }

    private func highWatermarks(of partitions: [TopicPartition]) async -> ([TopicPartition: Int64], (any Error)?) {
        await withCheckedContinuation { continuation in
            queue.async { [consumer] in
                var highs: [TopicPartition: Int64] = [:]
                var failure: (any Error)?
                for partition in partitions {
                    do {
                        highs[partition] = try consumer.watermarks(of: partition, timeoutMilliseconds: 2_000).high
                    } catch {
                        failure = error
                    }
                }
                continuation.resume(returning: (highs, failure))
            }
        }
    }
}
