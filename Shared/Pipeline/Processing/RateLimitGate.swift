import Foundation
import Models
import Synchronization

/// Command rate limits per key and per workspace: a token bucket for each API key (or one-time
/// token) and one for each workspace, shared by all its keys. A command passes when every bucket
/// it falls under holds a token, and then takes one from each; a refused command takes nothing, so
/// retrying early does not push the retry further back.
///
/// The operator credential is not limited: it is the deployment's own, held by support staff, and
/// what they must do in an incident (deactivate many workspaces at once) must not wait.
///
/// The table of buckets is bounded: a bucket that has refilled is the same as none and is dropped
/// when the table grows past ``maxBuckets``; if that is not enough, the buckets nearest to full go,
/// which can only let those senders burst again early.
public final class RateLimitGate: CommandGate {
    /// Which limit refused a command: a metric label, so a closed set.
    public enum Kind: String, Sendable, CaseIterable {
        case key, workspace
    }

    /// The limits in force; nil turns one off.
    public struct Limits: Sendable, Hashable {
        public var perKey: RateLimit?
        public var perWorkspace: RateLimit?

        public init(perKey: RateLimit?, perWorkspace: RateLimit?) {
            self.perKey = perKey
            self.perWorkspace = perWorkspace
        }

        func limit(_ kind: Kind) -> RateLimit? {
            switch kind {
            case .key: perKey
            case .workspace: perWorkspace
            }
        }
    }

    /// The default bound on the table: a few megabytes at most.
    public static let defaultMaxBuckets = 20_000

    public let limits: Limits
    public let maxBuckets: Int
    private let buckets = Mutex<[BucketKey: TokenBucket]>([:])
    private let metrics: PipelineMetrics?

    private struct BucketKey: Hashable {
        var kind: Kind
        var id: String
    }

    /// A bucket a command falls under, and how a refusal names it.
    private struct Check {
        var key: BucketKey
        var limit: RateLimit
        var name: String
    }

    package init(_ limits: Limits, maxBuckets: Int = RateLimitGate.defaultMaxBuckets, metrics: PipelineMetrics? = nil) {
        self.limits = limits
        self.maxBuckets = max(1, maxBuckets)
        self.metrics = metrics
    }

    /// Buckets held now (for tests and the bound).
    var bucketCount: Int { buckets.withLock { $0.count } }

    public func admit(_ envelope: Envelope, from sender: Sender, now: Date) throws(Rejection) {
        let checks = checks(for: sender)
        guard !checks.isEmpty else { return }
        let refusal = buckets.withLock { table in take(checks, now: now, table: &table) }
        guard let (check, seconds) = refusal else { return }
        metrics?.rateLimited(check.key.kind)
        throw Rejection(
            .rateLimited,
            "too many commands \(check.name): the limit is \(check.limit); send it again after retry_after_seconds",
            retryAfterSeconds: seconds
        )
    }

    private func checks(for sender: Sender) -> [Check] {
        var checks: [Check] = []
        switch sender.principal {
        case .operator?:
            return []
        case .member(let caller)?:
            if let perKey = limits.perKey {
                checks.append(Check(key: BucketKey(kind: .key, id: sender.scope), limit: perKey, name: "from key '\(sender.scope)'"))
            }
            if let perWorkspace = limits.perWorkspace {
                let workspace = caller.workspaceID.rawValue
                checks.append(
                    Check(
                        key: BucketKey(kind: .workspace, id: workspace),
                        limit: perWorkspace,
                        name: "in workspace '\(workspace)' (all its keys together)"
                    )
                )
            }
        case nil:
            // A one-time token (an invitation's, a runner's) is its holder's key.
            if let perKey = limits.perKey {
                checks.append(Check(key: BucketKey(kind: .key, id: sender.scope), limit: perKey, name: "with the token of '\(sender.scope)'"))
            }
        }
        return checks
    }

    /// Takes a token from every bucket of `checks`, or from none: then returns the bucket that
    /// refused with the longest wait, and that wait in seconds.
    private func take(_ checks: [Check], now: Date, table: inout [BucketKey: TokenBucket]) -> (Check, Double)? {
        var refilled: [TokenBucket] = []
        var refusal: (Check, Double)?
        for check in checks {
            var bucket = table[check.key] ?? TokenBucket(full: check.limit, at: now)
            bucket.refill(check.limit, at: now)
            if !bucket.hasToken {
                let wait = bucket.secondsUntilToken(check.limit)
                if wait > refusal?.1 ?? -1 { refusal = (check, wait) }
            }
            refilled.append(bucket)
        }
        if let refusal { return refusal }
        for (check, var bucket) in zip(checks, refilled) {
            bucket.take()
            table[check.key] = bucket
        }
        if table.count > maxBuckets { evict(from: &table, now: now) }
        return nil
    }

    /// Drops the buckets that are full again; if more than three quarters of the bound remain, the
    /// ones nearest to full too, so that the next sweep is a quarter of the bound away.
    private func evict(from table: inout [BucketKey: TokenBucket], now: Date) {
        func fullAt(_ entry: (key: BucketKey, value: TokenBucket)) -> Date {
            limits.limit(entry.key.kind).map { entry.value.fullAt($0) } ?? now
        }
        table = table.filter { fullAt($0) > now }
        let target = maxBuckets - maxBuckets / 4
        guard table.count > target else { return }
        let nearestFull = table.sorted { fullAt($0) < fullAt($1) }.prefix(table.count - target)
        for entry in nearestFull { table[entry.key] = nil }
    }
}
