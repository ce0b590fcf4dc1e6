import Testing
@testable import Pipeline

@Suite("When a consumer without partitions is looked at again")
struct AssignmentWatchTests {
    let start = ContinuousClock.now

    @Test func asksOnlyAfterPatienceAndThenAtMostOncePerPatience() {
        var watch = AssignmentWatch(patience: .seconds(10))
        let asked = [0, 5, 9, 10, 12, 19, 20, 31].map { watch.checkDue(assigned: false, now: start + .seconds($0)) }
        #expect(asked == [false, false, false, true, false, false, true, true])
        #expect(watch.unassignedFor(now: start + .seconds(31)) == .seconds(31))
    }

    @Test func partitionsResetTheClock() {
        var watch = AssignmentWatch(patience: .seconds(10))
        // Seconds since start, and whether the consumer had partitions then: after 8 s it got some,
        // then lost them again at 9 s (a rebalance), so the wait starts over from there.
        let steps: [(Int64, Bool)] = [(0, false), (8, true), (9, false), (18, false), (19, false)]
        var asked: [Bool] = []
        for (second, assigned) in steps {
            asked.append(watch.checkDue(assigned: assigned, now: start + .seconds(second)))
        }
        #expect(asked == [false, false, false, false, true])
        #expect(watch.unassignedFor(now: start + .seconds(19)) == .seconds(10))
    }

    @Test func aConsumerWithPartitionsNeverAsks() {
        var watch = AssignmentWatch(patience: .seconds(1))
        let asked = (0..<100).map { watch.checkDue(assigned: true, now: start + .seconds($0)) }
        #expect(!asked.contains(true))
    }
}
