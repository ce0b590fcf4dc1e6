import GRDB

/// A list's order for keyset paging: columns that are unique together, all ascending or all
/// descending, served by an index that starts with the list's equality filters. A page continues
/// strictly after the previous page's last key, so rows written between reads neither repeat nor
/// hide rows that were there (never `OFFSET`).
public struct KeysetOrder: Sendable {
    /// The sort columns as SQL (`share.requested_at`); a row's key is read by the name after the last dot.
    public let columns: [String]
    public let descending: Bool

    public init(_ columns: String..., descending: Bool = false) {
        self.columns = columns
        self.descending = descending
    }

    /// `a DESC, b DESC`, for `ORDER BY`.
    public var orderBy: String {
        columns.map { descending ? $0 + " DESC" : $0 }.joined(separator: ", ")
    }

    /// ` AND (a, b) > (?, ?)` with the page's position, or nothing on a first page: a range on the
    /// index rather than a filter over the rows before it. A cursor whose key has another shape is refused.
    public func after(_ page: PageRequest) throws(ReadError) -> (sql: String, arguments: StatementArguments) {
        try after(page.after)
    }

    /// The same after a given key (nothing for nil).
    public func after(_ key: [DatabaseValue]?) throws(ReadError) -> (sql: String, arguments: StatementArguments) {
        guard let key else { return ("", []) }
        guard key.count == columns.count else { throw .invalid("cursor", "cursor is not one this list gave out") }
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return (" AND (\(columns.joined(separator: ", "))) \(descending ? "<" : ">") (\(placeholders))", StatementArguments(key))
    }

    /// A row's sort key.
    public func key(_ row: Row) -> [DatabaseValue] {
        columns.map { column in row[column.split(separator: ".").last.map(String.init) ?? column] as DatabaseValue }
    }
}
