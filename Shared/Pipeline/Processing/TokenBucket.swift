import Foundation

/// A sustained rate of commands with the burst allowed above it: a token bucket that holds up to
/// ``burst`` tokens and gains ``perSecond`` of them each second; a command takes one.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public let perSecond: Double
    public let burst: Int

    /// nil when `perSecond` is 0 or less: no limit. A burst below 1 is taken as 1, so that a limited
    /// sender can always send at the sustained rate.
    public init?(perSecond: Double, burst: Int) {
        guard perSecond > 0, perSecond.isFinite else { return nil }
        self.perSecond = perSecond
        self.burst = max(1, burst)
    }

    public var description: String {
        let rate = perSecond == perSecond.rounded() ? String(Int(perSecond)) : String(perSecond)
        return "\(rate) commands per second (bursts of \(burst))"
    }
}

/// The tokens of one sender under one ``RateLimit``, as of ``updated``. Pure: the time is passed in.
struct TokenBucket: Sendable, Hashable {
    private(set) var tokens: Double
    private(set) var updated: Date

    /// A bucket that has not been used: full.
    init(full limit: RateLimit, at now: Date) {
        tokens = Double(limit.burst)
        updated = now
    }

    /// Adds what accrued since ``updated``, up to the burst. A clock that went back adds nothing.
    mutating func refill(_ limit: RateLimit, at now: Date) {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(Double(limit.burst), tokens + elapsed * limit.perSecond)
        updated = max(updated, now)
    }

    /// Whether a command may take a token now (after ``refill(_:at:)``).
    var hasToken: Bool { tokens >= 1 }

    mutating func take() {
        tokens -= 1
    }

    /// Seconds until the bucket holds a whole token again (after ``refill(_:at:)``), rounded up to
    /// the millisecond: 0 when it holds one.
    func secondsUntilToken(_ limit: RateLimit) -> Double {
        guard !hasToken else { return 0 }
        return ((1 - tokens) / limit.perSecond * 1_000).rounded(.up) / 1_000
    }

    /// When the bucket is full again if nothing takes from it: from then on it is the same as a
    /// bucket made afresh, so it can be forgotten.
    func fullAt(_ limit: RateLimit) -> Date {
        updated.addingTimeInterval((Double(limit.burst) - tokens) / limit.perSecond)
    }
}
