import GRDB
import Hummingbird

/// Which page of a list a read asks for: `?limit=` (1 to the maximum; the default when absent) and
/// `?cursor=` (the previous page's `next_cursor`; the first page when absent). A list read parses it
/// with the other query parameters, and its query reads ``fetchLimit`` rows after ``after``.
public struct PageRequest: Sendable {
    public let limit: Int
    /// The sort key of the last item of the previous page; nil on the first page.
    public let after: [DatabaseValue]?
    /// The digest of the list (path and filters) that this page's cursor must carry.
    let list: String

    /// The page the query of `request` asks for.
    public init(_ request: Request, limits: PageLimits) throws(ReadError) {
        try self.init(path: request.uri.path, parameters: request.uri.queryParameters, limits: limits)
    }

    /// The page that `parameters` ask for, of the list at `path` filtered by the other parameters.
    public init(path: String, parameters: Parameters, limits: PageLimits) throws(ReadError) {
        let filters = parameters.filter { $0.key != "limit" && $0.key != "cursor" }.map { (String($0.key), String($0.value)) }
        list = PageCursor.list(path: path, filters: filters)
        if let text = parameters.get("limit") {
            guard let limit = Int(text), (1...limits.maximum).contains(limit) else {
                throw .invalid("limit", "limit must be a whole number from 1 to \(limits.maximum)")
            }
            self.limit = limit
        } else {
            limit = limits.defaultSize
        }
        if let text = parameters.get("cursor") {
            guard let cursor = PageCursor(text: text) else {
                throw .invalid("cursor", "cursor is not one this read side gave out: pass a next_cursor unchanged")
            }
            guard cursor.list == list else {
                throw .invalid("cursor", "cursor comes from another list or other filters: repeat the query that gave it")
            }
            after = cursor.key
        } else {
            after = nil
        }
    }

    /// Rows a query reads: one more than the page shows, to know whether another page follows.
    public var fetchLimit: Int { limit + 1 }

    /// The page of `items` read in the list's order, at most ``fetchLimit`` of them: the first
    /// ``limit``, and a cursor after the last of those when there were more. `key` is an item's sort key.
    public func page<Item>(_ items: [Item], key: (Item) -> [DatabaseValue]) -> Page<Item> {
        guard items.count > limit else { return Page(items: items, nextCursor: nil) }
        let shown = Array(items.prefix(limit))
        return Page(items: shown, nextCursor: PageCursor(list: list, key: key(shown[shown.count - 1])).text)
    }

    /// The page of `rows` read in `order`, each made into an item.
    public func page<Item>(_ rows: [Row], order: KeysetOrder, _ item: (Row) throws -> Item) rethrows -> Page<Item> {
        let paged = page(rows, key: order.key)
        return Page(items: try paged.items.map(item), nextCursor: paged.nextCursor)
    }
}

/// One page of a list.
public struct Page<Item> {
    public var items: [Item]
    /// What the next read passes as `cursor`; nil on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), nextCursor: nextCursor)
    }
}

extension Page: Sendable where Item: Sendable {}
