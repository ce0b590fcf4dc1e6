/// How long a page of a list read may be: what a read gets without `limit`, and the most it may ask for.
public struct PageLimits: Sendable, Equatable {
    /// Items in a page when the read gives no `limit`; never more than ``maximum``. Default: 100.
    public var defaultSize: Int
    /// The largest `limit` accepted; a larger one is refused (`invalid_argument`). Default: 500.
    public var maximum: Int

    public init(defaultSize: Int = 100, maximum: Int = 500) {
        self.maximum = max(1, maximum)
        self.defaultSize = min(max(1, defaultSize), self.maximum)
    }
}
