import Foundation
import Models
import TestSupport
import Testing

/// What every list read of a running service answers about paging: a page with `next_cursor`, and a
/// 400 `invalid_argument` naming `limit` or `cursor` when either is wrong.
enum PagedReads {
    static func expectBounded(port: Int, _ paths: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for path in paths {
            let join = path.contains("?") ? "&" : "?"
            let page = try #require(await httpGet(port: port, path: path + join + "limit=1"), sourceLocation: sourceLocation)
            let body = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            #expect(
                page.status == 200 && body?.keys.contains("next_cursor") == true,
                "\(path): \(page.body.prefix(300))",
                sourceLocation: sourceLocation
            )

            for (query, field) in [("limit=501", "limit"), ("limit=0", "limit"), ("limit=ten", "limit"), ("cursor=not-a-cursor", "cursor")] {
                let refused = try #require(await httpGet(port: port, path: path + join + query), sourceLocation: sourceLocation)
                let error = (try? JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: Any])?["error"] as? [String: Any]
                #expect(
                    refused.status == 400 && error?["code"] as? String == ErrorCode.invalidArgument.rawValue && error?["field"] as? String == field,
                    "\(path) \(query): \(refused.status) \(refused.body.prefix(300))",
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    /// A cursor from the first page of `list` (which holds at least two items) is refused by `other`.
    static func expectCursorTied(port: Int, from list: String, to other: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let body = await httpGet(port: port, path: list + (list.contains("?") ? "&" : "?") + "limit=1")?.body ?? ""
        let cursor = try #require(
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["next_cursor"] as? String,
            "\(list): \(body.prefix(300))",
            sourceLocation: sourceLocation
        )
        let ownPage = await httpGet(port: port, path: list + (list.contains("?") ? "&" : "?") + "limit=1&cursor=" + cursor)
        #expect(ownPage?.status == 200, "\(ownPage?.body ?? "")", sourceLocation: sourceLocation)
        let refused = await httpGet(port: port, path: other + (other.contains("?") ? "&" : "?") + "cursor=" + cursor)
        #expect(
            refused?.status == 400 && refused?.body.contains(#""field":"cursor""#) == true,
            "\(refused?.body ?? "")",
            sourceLocation: sourceLocation
        )
    }
}
