import Kafka
import Testing

@testable import ServiceKit

/// The consumer loop waits on the replicas: to join its group until they have caught up, and to
/// write a batch until they have applied the replicated records in it. A wait ends when its
/// condition holds, or as false when the waiting task is cancelled (shutdown).
@Suite("Replica progress")
struct ReplicaProgressTests {
    let p0 = TopicPartition(topic: "t.lifecycle.events", partition: 0)
    let p1 = TopicPartition(topic: "t.lifecycle.events", partition: 1)

    @Test func aBatchWaitsUntilEveryPartitionItNeedsIsApplied() async throws {
        let progress = ReplicaProgress()
        progress.advance(to: [p0: 5, p1: 0])
        #expect(await progress.waitUntilApplied([p0: 5]), "already applied: no wait")
        let waiting = Task { await progress.waitUntilApplied([p0: 7, p1: 1]) }
        progress.advance(to: [p0: 7])
        try await Task.sleep(for: .milliseconds(50))
        progress.advance(to: [p0: 3])
        #expect(progress.applied == [p0: 7, p1: 0], "progress never goes back")
        progress.advance(to: [p1: 1])
        #expect(await waiting.value)
    }

    @Test func joiningWaitsUntilTheReplicasCaughtUp() async {
        let progress = ReplicaProgress()
        let waiting = Task { await progress.waitUntilCaughtUp() }
        #expect(!progress.isCaughtUp)
        progress.markCaughtUp()
        #expect(await waiting.value)
        #expect(await progress.waitUntilCaughtUp())
    }

    @Test func aCancelledWaitEndsAsFalse() async throws {
        let progress = ReplicaProgress()
        let waiting = Task { await progress.waitUntilApplied([p0: 1]) }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await !waiting.value)
        let cancelledFirst = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await progress.waitUntilCaughtUp()
        }
        #expect(await !cancelledFirst.value)
    }
}
