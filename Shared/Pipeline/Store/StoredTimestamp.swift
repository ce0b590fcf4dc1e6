import Foundation
import GRDB

/// A date as GRDB stores one ("yyyy-MM-dd HH:mm:ss.SSS", UTC), formatted without a `DateFormatter`.
/// Used for the dates written with every message, where the formatter was a measurable share of
/// a command's cost. Rows read back as `Date` exactly as if GRDB had written them.
public struct StoredTimestamp: DatabaseValueConvertible, Sendable {
    public let text: String

    public init(_ date: Date) {
        guard date >= Self.gregorianSince else {
            // Foundation formats earlier dates in the Julian calendar; none of ours is that old.
            text = String.fromDatabaseValue(date.databaseValue) ?? ""
            return
        }
        // Rounded to the nearest millisecond, computed as Foundation's formatter does.
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1_000 + 0.5).rounded(.down))
        let (days, dayMilliseconds) = Self.floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        let seconds = dayMilliseconds / 1_000
        var text = Self.digits(year, 4) + "-" + Self.digits(month, 2) + "-" + Self.digits(day, 2) + " "
        text += Self.digits(seconds / 3_600, 2) + ":" + Self.digits(seconds / 60 % 60, 2) + ":" + Self.digits(seconds % 60, 2)
        text += "." + Self.digits(dayMilliseconds % 1_000, 3)
        self.text = text
    }

    public var databaseValue: DatabaseValue { text.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredTimestamp? {
        Date.fromDatabaseValue(dbValue).map(StoredTimestamp.init)
    }

    /// 1583-01-01, the first whole year of the Gregorian calendar.
    private static let gregorianSince = Date(timeIntervalSince1970: -12_212_553_600)

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Year, month and day of the proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
