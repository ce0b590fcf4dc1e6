import Testing

@testable import ServiceKit

@Suite("Co-partitioning")
struct CoPartitioningTests {
    @Test func topicsWithTheDeploymentsCountAreReadTogether() {
        #expect(CoPartitioning.refusal(counts: ["t.sharing.commands": 6, "t.lifecycle.events": 6], expected: 6) == nil)
    }

    @Test func anyOtherCountIsRefusedNamingEachTopicThatHasIt() throws {
        let refusal = try #require(
            CoPartitioning.refusal(counts: ["t.sharing.commands": 6, "t.lifecycle.events": 3, "t.deactivation.events": 12], expected: 6)
        )
        #expect(refusal.contains("must have 6 partitions"))
        #expect(refusal.contains("t.deactivation.events has 12, t.lifecycle.events has 3"))
        #expect(!refusal.contains("t.sharing.commands"))
    }
}

@Suite("A batch in flight")
struct BatchInFlightTests {
    @Test func aRebalanceWaitsForTheBatchBeingWrittenAndNoLonger() async {
        let inFlight = BatchInFlight()
        #expect(inFlight.waitUntilIdle(timeout: 0))
        inFlight.begin()
        #expect(!inFlight.waitUntilIdle(timeout: 0.05), "still writing: the wait ends at its timeout")
        let waiting = Task.detached { inFlight.waitUntilIdle(timeout: 30) }
        try? await Task.sleep(for: .milliseconds(50))
        inFlight.end()
        #expect(await waiting.value)
    }
}
