import Foundation

/// A Prometheus histogram as a service's `/metrics` shows it: cumulative counts per bucket bound.
struct HistogramSnapshot: Sendable {
    /// (upper bound in seconds, observations at or below it), ascending; the last bound is +Inf.
    var buckets: [(bound: Double, count: Double)]

    /// Reads the histogram `name` from Prometheus text; nil when it is not there.
    static func parse(_ name: String, from metrics: String) -> HistogramSnapshot? {
        let prefix = name + "_bucket{le=\""
        let buckets = metrics.split(separator: "\n").compactMap { line -> (Double, Double)? in
            guard line.hasPrefix(prefix), let close = line.range(of: "\"}") else { return nil }
            let bound = String(line[line.index(line.startIndex, offsetBy: prefix.count)..<close.lowerBound])
            guard let count = Double(line[close.upperBound...].trimmingCharacters(in: .whitespaces)) else { return nil }
            return (bound == "+Inf" ? .infinity : Double(bound) ?? .nan, count)
        }
        return buckets.isEmpty ? nil : HistogramSnapshot(buckets: buckets.sorted { $0.0 < $1.0 })
    }

    /// What was observed after `earlier`.
    func since(_ earlier: HistogramSnapshot) -> HistogramSnapshot {
        let before = Dictionary(earlier.buckets.map { ($0.bound, $0.count) }, uniquingKeysWith: { first, _ in first })
        return HistogramSnapshot(buckets: buckets.map { ($0.bound, $0.count - (before[$0.bound] ?? 0)) })
    }

    /// The upper bound (in milliseconds) of the bucket holding the `fraction` quantile; nil without observations.
    func quantileBoundMilliseconds(_ fraction: Double) -> Double? {
        guard let total = buckets.last?.count, total > 0 else { return nil }
        return buckets.first { $0.count >= total * fraction }.map { $0.bound * 1_000 }
    }
}

/// The service-side split of a latency phase, from Sharing's own histograms: how long commands took
/// to be committed after they were produced, results to be acknowledged after their batch began, and
/// batches to be written.
struct ServiceLatencySplit: Codable, Sendable {
    /// Bucket bounds: "p99 <= 50 ms" means the 99th percentile lies in the bucket up to 50 ms.
    var recordAgeAtCommitP50AtMostMilliseconds: Double?
    var recordAgeAtCommitP99AtMostMilliseconds: Double?
    var outboxAgeAtDeliveryP50AtMostMilliseconds: Double?
    var outboxAgeAtDeliveryP99AtMostMilliseconds: Double?
    var batches: Int?
    var batchDurationP50AtMostMilliseconds: Double?
    var batchDurationP99AtMostMilliseconds: Double?

    static let recordAge = "tenancy_record_age_at_commit_seconds"
    static let outboxAge = "tenancy_outbox_age_at_delivery_seconds"
    static let batchDuration = "tenancy_batch_duration_seconds"

    init(before: String, after: String) {
        func change(_ name: String) -> HistogramSnapshot? {
            guard let later = HistogramSnapshot.parse(name, from: after) else { return nil }
            return HistogramSnapshot.parse(name, from: before).map(later.since) ?? later
        }
        let record = change(Self.recordAge)
        let outbox = change(Self.outboxAge)
        recordAgeAtCommitP50AtMostMilliseconds = record?.quantileBoundMilliseconds(0.5)
        recordAgeAtCommitP99AtMostMilliseconds = record?.quantileBoundMilliseconds(0.99)
        outboxAgeAtDeliveryP50AtMostMilliseconds = outbox?.quantileBoundMilliseconds(0.5)
        outboxAgeAtDeliveryP99AtMostMilliseconds = outbox?.quantileBoundMilliseconds(0.99)
        let batch = change(Self.batchDuration)
        batches = batch?.buckets.last.map { Int($0.count) }
        batchDurationP50AtMostMilliseconds = batch?.quantileBoundMilliseconds(0.5)
        batchDurationP99AtMostMilliseconds = batch?.quantileBoundMilliseconds(0.99)
    }
}
