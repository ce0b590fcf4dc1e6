import Foundation
import GRDB
import Hummingbird
import Models
import ServiceKit
import Testing

/// `limit` and `cursor` of a list read: what is accepted, what is refused with which field, and the
/// page built from the rows a query read.
@Suite("Paged list reads")
struct PageRequestTests {
    static let limits = PageLimits(defaultSize: 100, maximum: 500)
    static let path = "/workspaces/ws_1/workflows"

    func request(_ parameters: Parameters, path: String = Self.path, limits: PageLimits = Self.limits) throws(ReadError) -> PageRequest {
        try PageRequest(path: path, parameters: parameters, limits: limits)
    }

    func refusal(_ parameters: Parameters, path: String = Self.path) -> Rejection? {
        do {
            _ = try request(parameters, path: path)
            return nil
        } catch {
            #expect(error.status == .badRequest)
            return error.rejection
        }
    }

    @Test func aLimitIsAWholeNumberFromOneToTheMaximum() throws {
        #expect(try request([:]).limit == 100)
        #expect(try request(["limit": "1"]).limit == 1)
        #expect(try request(["limit": "500"]).limit == 500)
        #expect(try request([:], limits: PageLimits(defaultSize: 20, maximum: 50)).limit == 20)
        for text in ["501", "0", "-1", "abc", "1.5", "", "99999999999999999999"] {
            let refused = refusal(["limit": Substring(text)])
            #expect(refused?.code == .invalidArgument && refused?.field == "limit", "limit=\(text)")
        }
        #expect(refusal(["limit": "501"])?.message.contains("500") == true)
    }

    @Test func theDefaultNeverExceedsTheMaximum() {
        #expect(PageLimits(defaultSize: 100, maximum: 10) == PageLimits(defaultSize: 10, maximum: 10))
        #expect(PageLimits(defaultSize: 0, maximum: 0) == PageLimits(defaultSize: 1, maximum: 1))
    }

    @Test func aPageShowsTheLimitAndACursorOnlyWhenMoreFollow() throws {
        let page = try request(["limit": "3"])
        #expect(page.fetchLimit == 4)
        let key: (Int) -> [DatabaseValue] = { [String(format: "%03d", $0).databaseValue, Int64($0).databaseValue] }
        let full = page.page(Array(1...4), key: key)
        #expect(full.items == [1, 2, 3] && full.nextCursor != nil)
        #expect(page.page(Array(1...3), key: key).nextCursor == nil)
        #expect(page.page([Int](), key: key).items.isEmpty)

        // The next request continues after the last item shown, whatever its limit.
        let next = try request(["limit": "2", "cursor": Substring(try #require(full.nextCursor))])
        #expect(next.after == key(3) && next.limit == 2)

        // Any key a row can hold comes back as it was.
        let odd: [DatabaseValue] = [.null, 1.5.databaseValue, "ünï ✓".databaseValue, Int64.min.databaseValue]
        let oddCursor = try #require(page.page(Array(1...4), key: { _ in odd }).nextCursor)
        #expect(try request(["cursor": Substring(oddCursor)]).after == odd)
    }

    @Test func aCursorIsOpaqueURLSafeTextThatSaysOnlyThePosition() throws {
        let page = try request(["name": "tri", "limit": "2"])
        let cursor = try #require(page.page([1, 2, 3], key: { ["Secret Name \($0)".databaseValue] }).nextCursor)
        #expect(cursor.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(!cursor.contains("Secret"), "not readable at a glance")
        let body = try #require(Data(base64Encoded: cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "=="))
        let fields = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(Set(fields.keys) == ["k", "l"] && fields["k"] as? [String] == ["Secret Name 2"])
        #expect(!(String(decoding: body, as: UTF8.self)).contains("ws_1") && !(String(decoding: body, as: UTF8.self)).contains("tri"))
    }

    @Test func aCursorThatDoesNotParseIsRefused() throws {
        let valid = try #require(try request(["limit": "1"]).page([1, 2], key: { [Int64($0).databaseValue] }).nextCursor)
        let base64 = { (text: String) in Substring(Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")) }
        for cursor: Substring in [
            "", "not a cursor", "%%%", Substring(valid.dropLast(3)), Substring(valid + "x"), base64("{}"), base64(#"{"l":"x","k":[]}"#),
            base64(#"{"l":"x","k":[true]}"#), base64(#"{"l":"x","k":[{}]}"#), base64("[1,2]"), Substring(String(repeating: "A", count: 4_000)),
        ] {
            let refused = refusal(["cursor": cursor])
            #expect(refused?.code == .invalidArgument && refused?.field == "cursor", "cursor=\(cursor.prefix(40))")
        }
    }

    @Test func aCursorBelongsToItsListAndFilters() throws {
        let cursor = try #require(try request(["status": "running", "limit": "1"]).page([1, 2], key: { [Int64($0).databaseValue] }).nextCursor)
        #expect(try request(["status": "running", "cursor": Substring(cursor)]).after == [Int64(1).databaseValue])
        #expect(
            try request(["cursor": Substring(cursor), "limit": "7", "status": "running"]).after != nil,
            "limit may change, order does not matter"
        )
        #expect(refusal(["cursor": Substring(cursor)])?.field == "cursor", "without the filter")
        #expect(refusal(["status": "failed", "cursor": Substring(cursor)])?.field == "cursor", "another filter")
        #expect(
            refusal(["status": "running", "cursor": Substring(cursor)], path: "/workspaces/ws_2/workflows")?.field == "cursor",
            "another workspace"
        )
        #expect(refusal(["status": "running", "cursor": Substring(cursor)], path: "/workspaces/ws_1/executions")?.field == "cursor", "another list")
    }

    @Test func theKeysetContinuesStrictlyAfterThePosition() throws {
        let ascending = KeysetOrder("name_key")
        let descending = KeysetOrder("share.requested_at", "share.id", descending: true)
        #expect(ascending.orderBy == "name_key" && descending.orderBy == "share.requested_at DESC, share.id DESC")
        #expect(try ascending.after(nil).sql.isEmpty)
        let after = try descending.after(["2026-01-01 00:00:00.000".databaseValue, "shr_1".databaseValue])
        #expect(after.sql == " AND (share.requested_at, share.id) < (?, ?)")
        #expect(throws: ReadError.self, "a key of another shape") { try descending.after(["x".databaseValue]) }

        let queue = try DatabaseQueue()
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT 'b' AS requested_at, 'shr_2' AS id, 'x' AS other")
        }
        #expect(descending.key(rows[0]) == ["b".databaseValue, "shr_2".databaseValue])
    }

    @Test func aListBodyNamesItsItemsAndAlwaysHasNextCursor() throws {
        let last = String(decoding: JSONCoding.encode(ListBody("workflows", Page(items: ["a"], nextCursor: nil))), as: UTF8.self)
        #expect(last == #"{"next_cursor":null,"workflows":["a"]}"#)
        let more = String(decoding: JSONCoding.encode(ListBody("shares", Page(items: [1], nextCursor: "abc"))), as: UTF8.self)
        #expect(more == #"{"next_cursor":"abc","shares":[1]}"#)
    }
}
