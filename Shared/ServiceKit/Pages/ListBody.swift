import Foundation
import Hummingbird
import Models

/// A page as the read side sends it: `{"<name>": [...], "next_cursor": "..." | null}`, the list named
/// for what it holds (`workflows`, `shares`, ...), as every list read answers.
public struct ListBody<Item: Encodable>: Encodable {
    public var name: String
    public var page: Page<Item>

    public init(_ name: String, _ page: Page<Item>) {
        self.name = name
        self.page = page
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(page.items, forKey: Key(name))
        // null included: a client tells the last page by it.
        try container.encode(page.nextCursor, forKey: Key("next_cursor"))
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension JSONResponse {
    /// A list read's answer: the page as ``ListBody``, or a 404 `not_found` when `page` is nil.
    public static func list<Item: Encodable>(_ name: String, _ page: Page<Item>?, notFound: String) throws -> Response {
        try make(page.map { ListBody(name, $0) }, notFound: notFound)
    }
}
