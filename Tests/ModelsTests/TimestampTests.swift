import Foundation
import Testing

@testable import Models

@Suite("Timestamp")
struct TimestampTests {
    /// What Foundation's ISO 8601 format style writes for the whole second, with the milliseconds after it.
    private func reference(milliseconds: Int64) -> String {
        let seconds = Int64((Double(milliseconds) / 1_000).rounded(.down))
        let millis = milliseconds - seconds * 1_000
        let base = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt).format(Date(timeIntervalSince1970: Double(seconds)))
        return base.dropLast() + "." + String(String(millis + 1_000).dropFirst()) + "Z"
    }

    @Test func writesWhatTheFormatStyleWritesAcrossCenturiesAndLeapDays() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [
            0, -1, 999, 1_000, -86_400_000, 951_782_400_000,  // 2000-02-29
            4_107_542_399_999, 4_107_542_400_000,  // 2100-02-28T23:59:59.999, 2100-03-01
            -11_676_096_000_000, 253_402_300_799_999,  // 1600-01-01, 9999-12-31T23:59:59.999
        ]
        let spread = (0..<20_000).map { _ in Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator) }  // 1900...2200
        for milliseconds in edges + spread {
            #expect(Timestamp.format(Date(timeIntervalSince1970: Double(milliseconds) / 1_000)) == reference(milliseconds: milliseconds))
        }
    }

    @Test func roundTripsThroughParse() {
        for milliseconds: Int64 in [0, 1_764_300_000_123, -12_345, 951_782_400_000] {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
            #expect(Timestamp.parse(Timestamp.format(date)) == Timestamp.roundedToMilliseconds(date))
        }
    }

    @Test func yearsOutsideTheFastPathGoThroughTheFormatStyle() {
        for milliseconds: Int64 in [253_402_300_800_000, -12_219_292_800_001, -62_167_219_200_000] {  // 10000-01-01, before 1582-10-15, year 0
            #expect(Timestamp.format(Date(timeIntervalSince1970: Double(milliseconds) / 1_000)) == reference(milliseconds: milliseconds))
        }
    }
}
