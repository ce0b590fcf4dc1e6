import ArgumentParser

/// A list command's paging: every page by default; `--limit` or `--cursor` asks for one page, and
/// the output then ends with the cursor of the next one.
struct PageOptions: ParsableArguments {
    @Option(help: "Show one page of at most this many items (the service's maximum is 500 unless configured otherwise).")
    var limit: Int?

    @Option(help: "Show the page after the one that printed this cursor (its next_cursor).")
    var cursor: String?

    /// Whether one page was asked for rather than the whole list.
    var onePage: Bool { limit != nil || cursor != nil }

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }
}
