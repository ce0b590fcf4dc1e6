import Foundation
import Models
import TestSupport
import Testing

/// What every list read of a running service answers about paging: a page with `next_cursor`, and a
/// 400 `invalid_argument` naming `limit` or `cursor` when either is wrong. Read as the operator,
/// from `service`'s read side on `port`.
enum PagedReads {
    static func expectBounded(port: Int, service: String, _ paths: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for path in paths {
            let join = path.contains("?") ? "&" : "?"
            let page = try #require(await read(port, service, path + join + "limit=1"), sourceLocation: sourceLocation)
            let body = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            #expect(
                page.status == 200 && body?.keys.contains("next_cursor") == true,
                "\(path): \(page.body.prefix(300))",
                sourceLocation: sourceLocation
            )

            for (query, field) in [("limit=501", "limit"), ("limit=0", "limit"), ("limit=ten", "limit"), ("cursor=not-a-cursor", "cursor")] {
                let refused = try #require(await read(port, service, path + join + query), sourceLocation: sourceLocation)
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
    static func expectCursorTied(
        port: Int,
        service: String,
        from list: String,
        to other: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let body = await read(port, service, list + (list.contains("?") ? "&" : "?") + "limit=1")?.body ?? ""
        let cursor = try #require(
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["next_cursor"] as? String,
            "\(list): \(body.prefix(300))",
            sourceLocation: sourceLocation
        )
        let ownPage = await read(port, service, list + (list.contains("?") ? "&" : "?") + "limit=1&cursor=" + cursor)
        #expect(ownPage?.status == 200, "\(ownPage?.body ?? "")", sourceLocation: sourceLocation)
        let refused = await read(port, service, other + (other.contains("?") ? "&" : "?") + "cursor=" + cursor)
        #expect(
            refused?.status == 400 && refused?.body.contains(#""field":"cursor""#) == true,
            "\(refused?.body ?? "")",
            sourceLocation: sourceLocation
        )
    }

    private static func read(_ port: Int, _ service: String, _ path: String) async -> (status: Int, body: String)? {
        await signedGet(port: port, path: path, credential: TestKeys.operatorCredential, service: service)
    }
}
