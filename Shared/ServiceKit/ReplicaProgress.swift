import Kafka
import Synchronization

/// How far the ``ReplicaReader`` has applied each partition it reads, and whether it has caught up
/// with all of them once since it started. The consumer loop waits on it: before it joins its group
/// (an instance takes no task before its replicas are whole), and before it writes a batch holding
/// records the replicas read too (so that a reaction to an event sees the replicas with that event
/// and everything before it on its partition applied, as when one consumer did both).
final class ReplicaProgress: Sendable {
    private enum Condition {
        case caughtUp
        case applied([TopicPartition: Int64])
    }

    private struct Waiter {
        var condition: Condition
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var next: [TopicPartition: Int64] = [:]
        var caughtUp = false
        var waiters: [UInt64: Waiter] = [:]
        var lastWaiter: UInt64 = 0

        func holds(_ condition: Condition) -> Bool {
            switch condition {
            case .caughtUp: caughtUp
            case .applied(let required): required.allSatisfy { partition, offset in (next[partition] ?? 0) >= offset }
            }
        }

        /// Takes out the waiters whose condition now holds.
        mutating func satisfied() -> [CheckedContinuation<Bool, Never>] {
            let ready = waiters.filter { holds($0.value.condition) }
            for id in ready.keys { waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    private let state = Mutex(State())

    /// The next offset the replicas will apply of each partition read, where known.
    var applied: [TopicPartition: Int64] { state.withLock { $0.next } }

    /// Whether the replicas have reached the end of every partition they read at least once.
    var isCaughtUp: Bool { state.withLock { $0.caughtUp } }

    /// The replicas applied everything before these next offsets.
    func advance(to next: [TopicPartition: Int64]) {
        let ready = state.withLock { state in
            state.next.merge(next) { max($0, $1) }
            return state.satisfied()
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// The replicas reached the end of every partition they read.
    func markCaughtUp() {
        let ready = state.withLock { state in
            state.caughtUp = true
            return state.satisfied()
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Waits until the replicas have caught up once; false when the waiting task was cancelled first.
    func waitUntilCaughtUp() async -> Bool {
        await wait(for: .caughtUp)
    }

    /// Waits until the replicas have applied every partition here up to (not including) its offset;
    /// false when the waiting task was cancelled first.
    func waitUntilApplied(_ required: [TopicPartition: Int64]) async -> Bool {
        await wait(for: .applied(required))
    }

    private func wait(for condition: Condition) async -> Bool {
        let id = state.withLock { state in
            state.lastWaiter += 1
            return state.lastWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let resume: Bool? = state.withLock { state in
                    if state.holds(condition) { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return nil
                }
                if let resume { continuation.resume(returning: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: false)
        }
    }
}
