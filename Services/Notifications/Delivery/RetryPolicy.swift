import Foundation

/// When to try a temporarily failed email again: exponential backoff from `baseDelay`, capped at
/// `maxDelay`, with jitter (each delay drawn between half and all of its value), and at most
/// `maxAttempts` attempts in all.
public struct RetryPolicy: Sendable, Hashable {
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    public var maxAttempts: Int

    public init(baseDelay: TimeInterval = 2, maxDelay: TimeInterval = 300, maxAttempts: Int = 15) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
    }

    /// The wait after the `attempt`-th failed attempt; `random` gives a number in 0..<1.
    func delay(afterAttempt attempt: Int, random: () -> Double = { Double.random(in: 0..<1) }) -> TimeInterval {
        let full = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return full * (0.5 + 0.5 * random())
    }
}
