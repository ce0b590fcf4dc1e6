import Foundation
import Kafka

/// Produces records at a fixed rate, a few at a time every 5 ms, as both latency phases load the broker.
enum PacedSend {
    /// When a record was handed to the producer: on this process's clock, and as wall-clock
    /// milliseconds comparable with record timestamps set by other processes.
    struct Sent {
        var at: ContinuousClock.Instant
        var wallClockMilliseconds: Double
    }

    static let tick = Duration.milliseconds(5)

    /// Returns when each record was sent, in the records' order, once every delivery was reported.
    static func run(_ records: [KafkaRecord], ratePerSecond: Int, producer: KafkaProducer) async throws -> [Sent] {
        let perTick = max(1, ratePerSecond / Int(Duration.seconds(1) / tick))
        var sent: [Sent] = []
        sent.reserveCapacity(records.count)
        var next = ContinuousClock.now
        var deliveries: [Task<Void, Never>] = []
        for chunk in stride(from: 0, to: records.count, by: perTick) {
            try await Task.sleep(until: next, clock: .continuous)
            let batch = Array(records[chunk..<min(chunk + perTick, records.count)])
            let now = Sent(at: .now, wallClockMilliseconds: Date().timeIntervalSince1970 * 1_000)
            sent += repeatElement(now, count: batch.count)
            deliveries.append(Task { _ = await producer.send(batch) })
            next += tick
        }
        for delivery in deliveries { await delivery.value }
        return sent
    }
}

/// The latencies of one run, from the sorted samples in milliseconds.
struct Percentiles: Codable {
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var p999Milliseconds: Double
    var maxMilliseconds: Double

    init(sorted milliseconds: [Double]) {
        p50Milliseconds = Self.percentile(0.50, of: milliseconds)
        p99Milliseconds = Self.percentile(0.99, of: milliseconds)
        p999Milliseconds = Self.percentile(0.999, of: milliseconds)
        maxMilliseconds = milliseconds.last ?? 0
    }

    /// The value below which `p` of the sorted, non-empty `values` lie.
    static func percentile(_ p: Double, of values: [Double]) -> Double {
        values[min(values.count - 1, max(0, Int((Double(values.count) * p).rounded(.up)) - 1))]
    }
}
