import Foundation
import GRDB
import Hashing

/// Where a page ends, as the opaque `next_cursor` of a list read: the sort key of the page's last
/// item and a digest of the list it came from (path and filters), as base64url JSON. It says
/// nothing the page did not show; a cursor made up by hand can only move within the caller's own
/// list, because every query still filters by the path and the filters.
struct PageCursor: Equatable {
    /// Longer input is refused before it is decoded.
    static let maxLength = 2_048

    /// The list's digest (``PageCursor/list(path:filters:)``).
    var list: String
    /// The sort key of the last item shown, column by column.
    var key: [DatabaseValue]

    /// The digest naming a list: its path and every query parameter but `limit` and `cursor`.
    static func list(path: String, filters: [(String, String)]) -> String {
        let parts = ["tenancy.page.v1", path] + filters.map { "\($0)=\($1)" }.sorted()
        return Base64URL.encode(SHA256Digest.of(parts.map { Data($0.utf8) }).prefix(12))
    }

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Base64URL.encode(try! encoder.encode(Body(list: list, key: key.map(Body.Value.init))))
    }

    /// The cursor in `text`; nil when it is not one that ``text`` could have made.
    init?(text: String) {
        guard text.count <= Self.maxLength, let data = Base64URL.decode(text), let body = try? JSONDecoder().decode(Body.self, from: data),
            !body.key.isEmpty
        else { return nil }
        self.init(list: body.list, key: body.key.map(\.databaseValue))
    }

    init(list: String, key: [DatabaseValue]) {
        self.list = list
        self.key = key
    }

    /// The JSON inside the base64url: `{"k": [...], "l": "..."}`.
    private struct Body: Codable {
        /// Sort keys are text (ids, names, stored timestamps) or numbers; no list sorts by a blob.
        enum Value: Codable {
            case text(String)
            case integer(Int64)
            case real(Double)
            case null

            init(_ value: DatabaseValue) {
                switch value.storage {
                case .string(let text): self = .text(text)
                case .int64(let number): self = .integer(number)
                case .double(let number): self = .real(number)
                case .null, .blob: self = .null
                }
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if container.decodeNil() {
                    self = .null
                } else if let text = try? container.decode(String.self) {
                    self = .text(text)
                } else if let number = try? container.decode(Int64.self) {
                    self = .integer(number)
                } else {
                    self = .real(try container.decode(Double.self))
                }
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .text(let text): try container.encode(text)
                case .integer(let number): try container.encode(number)
                case .real(let number): try container.encode(number)
                case .null: try container.encodeNil()
                }
            }

            var databaseValue: DatabaseValue {
                switch self {
                case .text(let text): text.databaseValue
                case .integer(let number): number.databaseValue
                case .real(let number): number.databaseValue
                case .null: .null
                }
            }
        }

        var list: String
        var key: [Value]

        enum CodingKeys: String, CodingKey {
            case list = "l"
            case key = "k"
        }
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), so a cursor needs no escaping in a query.
enum Base64URL {
    static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
