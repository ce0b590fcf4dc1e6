import Foundation

/// Whether the consumer loop has a batch being written, so that a rebalance can wait for it before
/// it takes partitions away: a revoked partition is drained, its batch committed while this
/// instance still owns it, never after. The wait is bounded; past it the batch checks, just before
/// it commits, that its partitions are still this consumer's, and rolls back if they are not.
final class BatchInFlight: Sendable {
    private let condition = NSCondition()
    private nonisolated(unsafe) var writing = false

    func begin() {
        condition.withLock { writing = true }
    }

    func end() {
        condition.withLock {
            writing = false
            condition.broadcast()
        }
    }

    /// Waits until no batch is being written, at most `timeout`; returns whether none is.
    @discardableResult
    func waitUntilIdle(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        return condition.withLock {
            while writing {
                guard condition.wait(until: deadline) else { return !writing }
            }
            return true
        }
    }
}
