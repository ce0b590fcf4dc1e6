import Foundation
import Hashing
import Testing

/// Clients' command ids are UUIDv7: time first, so the services' index of decided commands grows at its end.
@Suite("Command ids")
struct CommandIDTests {
    @Test func theLayoutIsRFC9562sVersion7() {
        // RFC 9562, appendix A.6: Tuesday, February 22, 2022 2:22:22.00 PM GMT-05:00.
        #expect(CommandID.make(milliseconds: 0x017F_22E2_79B0, random: 0xCC3, 0x18C4_DC0C_0C07_398F) == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
        // Only 12 bits of `high` and 62 of `low` are random; version and variant bits are fixed.
        #expect(CommandID.make(milliseconds: 0, random: .max, .max) == "00000000-0000-7fff-bfff-ffffffffffff")
        #expect(CommandID.make(milliseconds: 1 << 48 | 1, random: 0, 0) == "00000000-0001-7000-8000-000000000000")
    }

    @Test func newIDsAreDistinctParseAsUUIDsAndSortByTime() throws {
        let earlier = CommandID.make(at: Date(timeIntervalSince1970: 1_800_000_000))
        let later = CommandID.make(at: Date(timeIntervalSince1970: 1_800_000_000.002))
        let again = CommandID.make(at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(earlier != again)
        #expect(earlier < later && again < later)
        let parsed = try #require(UUID(uuidString: later))
        #expect(parsed.uuidString.lowercased() == later)
        #expect(later.dropFirst(14).first == "7")
    }
}
