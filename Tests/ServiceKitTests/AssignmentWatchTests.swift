import Testing

@testable import ServiceKit

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

    @Test func replacesOnlyOnceTheTopicsHaveExistedForThePatience() {
        var watch = AssignmentWatch(patience: .seconds(10))
        // Seconds since start, and whether the topics existed then: they appear at 10 s, are gone
        // again at 20 s (the broker restarted once more), and are back from 30 s on.
        let steps: [(Int64, Bool)] = [(0, false), (10, true), (15, true), (20, false), (30, true), (39, true), (40, true)]
        let settled = steps.map { second, exist in watch.topicsSettled(exist: exist, now: start + .seconds(second)) }
        #expect(settled == [false, false, false, false, false, false, true])
    }

    @Test func partitionsStartTheTopicWaitOver() {
        var watch = AssignmentWatch(patience: .seconds(10))
        // The topics are seen at 0 s; partitions come at 5 s and go again, so 12 s is a fresh start.
        var settled = [watch.topicsSettled(exist: true, now: start)]
        _ = watch.checkDue(assigned: true, now: start + .seconds(5))
        settled.append(watch.topicsSettled(exist: true, now: start + .seconds(12)))
        settled.append(watch.topicsSettled(exist: true, now: start + .seconds(22)))
        #expect(settled == [false, false, true])
    }

    @Test func aConsumerWithPartitionsNeverAsks() {
        var watch = AssignmentWatch(patience: .seconds(1))
        let asked = (0..<100).map { watch.checkDue(assigned: true, now: start + .seconds($0)) }
        #expect(!asked.contains(true))
    }
}
