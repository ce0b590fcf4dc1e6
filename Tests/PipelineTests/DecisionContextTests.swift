import Foundation
import Hashing
import Models
import Testing

@testable import Pipeline

/// A command's new ids are random and ordered by time; an event's reactions derive theirs from it.
@Suite("Decision contexts and new ids")
struct DecisionContextTests {
    @Test func timeOrderedIDsAreMillisecondsThenRandomBitsInCrockfordBase32() {
        #expect(TimeOrderedID.make(milliseconds: 0, random: 0, 0) == String(repeating: "0", count: 26))
        #expect(TimeOrderedID.make(milliseconds: 1, random: 0, 33) == "0000000001" + String(repeating: "0", count: 14) + "11")
        #expect(TimeOrderedID.make(milliseconds: 0xffff_ffff_ffff, random: .max, .max) == "7zzzzzzzzz" + String(repeating: "z", count: 16))
        // Only the low 16 bits of `high` count: 80 random bits in all.
        #expect(TimeOrderedID.make(milliseconds: 5, random: 0x1_0000, 7) == TimeOrderedID.make(milliseconds: 5, random: 0, 7))
        #expect(TimeOrderedID.make(milliseconds: 5, random: 1, 0) == "0000000005" + "000" + "g" + String(repeating: "0", count: 12))
    }

    @Test func aCommandsIDsAreNewEachTimeWellFormedAndSortedByTime() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = DecisionContext.live(commandID: "c-1", now: now)
        let again = DecisionContext.live(commandID: "c-1", now: now)
        let a: WorkspaceID = first.newID("workspace")
        let b: WorkspaceID = again.newID("workspace")
        let c: WorkspaceID = first.newID("workspace")
        #expect(a != b && a != c, "never derived from the command id or the label")
        for id in [a, b, c] {
            #expect(id.isWellFormed && id.rawValue.count == "ws_".count + 26)
        }
        let later: WorkspaceID = DecisionContext.live(commandID: "c-0", now: now.addingTimeInterval(0.001)).newID("workspace")
        #expect([a, b, c].allSatisfy { $0 < later })
        #expect(a.rawValue.prefix(13) == b.rawValue.prefix(13), "the same millisecond: the same time digits")
    }

    @Test func anEventsReactionsDeriveTheirIDsFromIt() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let one: EventID = DecisionContext.reacting(to: "evt_1", now: now).newID("a")
        let same: EventID = DecisionContext.reacting(to: "evt_1", now: now.addingTimeInterval(60)).newID("a")
        let otherLabel: EventID = DecisionContext.reacting(to: "evt_1", now: now).newID("b")
        let otherEvent: EventID = DecisionContext.reacting(to: "evt_2", now: now).newID("a")
        #expect(one == same && one != otherLabel && one != otherEvent && one.isWellFormed)
    }
}
