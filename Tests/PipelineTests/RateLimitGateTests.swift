import Foundation
import Metrics
import MetricsTestKit
import Models
import Testing

@testable import Pipeline

/// The token buckets behind the command rate limits: refill and burst, the retry-after they give,
/// the per-workspace bucket shared by a workspace's keys, who is not limited, and the bound on the table.
@Suite("Rate limits")
struct RateLimitGateTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let envelope = Envelope(id: "c-1", type: "tenancy.test.Thing.v1", source: "/t", time: nil, subject: nil, payload: Data("{}".utf8))

    static func member(_ client: String, workspace: String = "ws_1") -> Sender {
        Sender(
            .member(
                Caller(
                    userID: UserID(rawValue: "usr_1"),
                    clientID: ClientID(rawValue: client),
                    workspaceID: WorkspaceID(rawValue: workspace),
                    organizationID: OrganizationID(rawValue: "org_1"),
                    role: .owner,
                    scopes: []
                )
            )
        )
    }

    /// The gate's refusal of a command from `sender` at `seconds` after ``start``; nil when it admits it.
    func refusal(_ gate: RateLimitGate, _ sender: Sender, at seconds: Double = 0) -> Rejection? {
        do {
            try gate.admit(envelope, from: sender, now: start + seconds)
            return nil
        } catch {
            return error
        }
    }

    func gate(
        perKey: (Double, Int)? = nil,
        perWorkspace: (Double, Int)? = nil,
        maxBuckets: Int = 1_000,
        metrics: PipelineMetrics? = nil
    )
        -> RateLimitGate
    {
        RateLimitGate(
            RateLimitGate.Limits(
                perKey: perKey.flatMap { RateLimit(perSecond: $0.0, burst: $0.1) },
                perWorkspace: perWorkspace.flatMap { RateLimit(perSecond: $0.0, burst: $0.1) }
            ),
            maxBuckets: maxBuckets,
            metrics: metrics
        )
    }

    @Test func aBucketRefillsAtItsRateUpToItsBurst() throws {
        let limit = try #require(RateLimit(perSecond: 2, burst: 3))
        var bucket = TokenBucket(full: limit, at: start)
        for _ in 0..<3 {
            #expect(bucket.hasToken)
            bucket.take()
        }
        #expect(!bucket.hasToken && bucket.secondsUntilToken(limit) == 0.5)
        bucket.refill(limit, at: start + 0.25)
        #expect(!bucket.hasToken && bucket.secondsUntilToken(limit) == 0.25)
        bucket.refill(limit, at: start + 0.5)
        #expect(bucket.hasToken && bucket.secondsUntilToken(limit) == 0)
        bucket.refill(limit, at: start + 3_600)
        #expect(bucket.tokens == 3, "never more than the burst")
        #expect(bucket.fullAt(limit) == start + 3_600)
        bucket.refill(limit, at: start)
        #expect(bucket.tokens == 3 && bucket.updated == start + 3_600, "a clock that went back adds nothing and moves nothing back")
        #expect(RateLimit(perSecond: 0, burst: 10) == nil && RateLimit(perSecond: -1, burst: 10) == nil, "0 or less: no limit")
        #expect(RateLimit(perSecond: 1, burst: 0)?.burst == 1)
    }

    @Test func aKeyGetsItsBurstThenItsRateAndIsToldWhenToRetry() throws {
        let gate = gate(perKey: (4, 3))
        let sender = Self.member("key_a")
        for _ in 0..<3 { #expect(refusal(gate, sender) == nil) }
        let refused = try #require(refusal(gate, sender))
        #expect(refused.code == .rateLimited && refused.retryAfterSeconds == 0.25)
        #expect(refused.message.contains("key 'key_a'") && refused.message.contains("4 commands per second (bursts of 3)"), "\(refused.message)")
        // Refused commands take nothing: asking again early does not push the retry back.
        #expect(refusal(gate, sender, at: 0.1)?.retryAfterSeconds == 0.15)
        #expect(refusal(gate, sender, at: 0.2)?.retryAfterSeconds == 0.05)
        #expect(refusal(gate, sender, at: 0.25) == nil, "a token is there when the retry-after said")
        #expect(refusal(gate, sender, at: 0.25) != nil)
        #expect(refusal(gate, Self.member("key_b"), at: 0.25) == nil, "another key has its own bucket")
        // Idle for long enough, the key has its whole burst again, and no more.
        for _ in 0..<3 { #expect(refusal(gate, sender, at: 60) == nil) }
        #expect(refusal(gate, sender, at: 60) != nil)
    }

    @Test func theKeysOfAWorkspaceShareItsBucket() throws {
        let gate = gate(perKey: (10, 10), perWorkspace: (1, 3))
        #expect(refusal(gate, Self.member("key_a")) == nil)
        #expect(refusal(gate, Self.member("key_a")) == nil)
        #expect(refusal(gate, Self.member("key_b")) == nil)
        let refused = try #require(refusal(gate, Self.member("key_b")))
        #expect(refused.code == .rateLimited && refused.retryAfterSeconds == 1)
        #expect(refused.message.contains("workspace 'ws_1'"), "\(refused.message)")
        #expect(refusal(gate, Self.member("key_c", workspace: "ws_2")) == nil, "another workspace has its own bucket")
        #expect(refusal(gate, Self.member("key_a"), at: 1) == nil)
        #expect(refusal(gate, Self.member("key_b"), at: 1) != nil)
    }

    /// A command refused by one bucket takes from none, so the key's tokens are there once the
    /// workspace's come back; when both refuse, the retry-after is the longer wait.
    @Test func aRefusalTakesNothingAndGivesTheLongerWait() throws {
        let gate = gate(perKey: (0.25, 2), perWorkspace: (1, 1))
        let sender = Self.member("key_a")
        #expect(refusal(gate, sender) == nil)
        #expect(refusal(gate, sender)?.message.contains("workspace") == true)
        #expect(refusal(gate, sender, at: 1) == nil, "the key's second token was not taken by the refusal")
        let both = try #require(refusal(gate, sender, at: 1))
        #expect(both.message.contains("key 'key_a'") && both.retryAfterSeconds == 3, "key: 3 s, workspace: 1 s")
    }

    @Test func theOperatorIsNotLimitedAndATokenIsItsHoldersKey() throws {
        let gate = gate(perKey: (1, 1), perWorkspace: (1, 1))
        for _ in 0..<1_000 { #expect(refusal(gate, Sender(.operator(name: "alice"))) == nil) }
        #expect(gate.bucketCount == 0)
        let holder = Sender.tokenHolder("inv_1")
        #expect(refusal(gate, holder) == nil)
        let refused = try #require(refusal(gate, holder))
        #expect(refused.message.contains("'inv_1'") && refused.retryAfterSeconds == 1)
        #expect(refusal(gate, Sender.tokenHolder("inv_2")) == nil)
    }

    @Test func limitsThatAreOffAdmitEverythingAndKeepNothing() {
        let gate = gate()
        for index in 0..<1_000 { #expect(refusal(gate, Self.member("key_\(index % 3)")) == nil) }
        #expect(gate.bucketCount == 0)
    }

    /// A flood of distinct keys never holds more than the bound; the bucket of a key that is being
    /// limited outlives the fresh ones, so the flood does not give it its burst back; buckets that
    /// have refilled all go at the next sweep.
    @Test func theTableStaysWithinItsBound() throws {
        let gate = gate(perKey: (1, 5), maxBuckets: 100)
        for _ in 0..<5 { #expect(refusal(gate, Self.member("key_hot")) == nil) }
        for index in 0..<1_000 {
            #expect(refusal(gate, Self.member("key_\(index)"), at: 0.5) == nil)
            #expect(gate.bucketCount <= 100)
        }
        #expect(refusal(gate, Self.member("key_hot"), at: 0.5)?.code == .rateLimited, "the drained bucket was kept")
        #expect(gate.bucketCount > 50)
        // An hour later every bucket is full again: the one that goes over the bound sweeps them all
        // and keeps only those used since.
        let added = 101 - gate.bucketCount
        for index in 0..<added {
            #expect(refusal(gate, Self.member("key_late_\(index)"), at: 3_600) == nil)
        }
        #expect(gate.bucketCount == added)
    }

    @Test func concurrentCommandsTakeEachTokenOnce() async {
        let gate = gate(perKey: (0.001, 100))
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<1_000 {
                group.addTask { refusal(gate, Self.member("key_a")) == nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 100)
    }

    @Test func refusalsAreCountedByLimit() throws {
        let factory = TestMetrics()
        let gate = gate(perKey: (1, 1), perWorkspace: (1, 2), metrics: PipelineMetrics(factory: factory, knownTypes: []))
        _ = refusal(gate, Self.member("key_a"))
        _ = refusal(gate, Self.member("key_a"))
        _ = refusal(gate, Self.member("key_a"))
        _ = refusal(gate, Self.member("key_b"))
        _ = refusal(gate, Self.member("key_c"))
        #expect(try factory.expectCounter("tenancy_rate_limited_total", [("limit", "key")]).totalValue == 2)
        #expect(try factory.expectCounter("tenancy_rate_limited_total", [("limit", "workspace")]).totalValue == 1)
        #expect(factory.counters.filter { $0.label == "tenancy_rate_limited_total" }.count == 2, "one series per limit, nothing else")
    }
}
