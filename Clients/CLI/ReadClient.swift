import Foundation
import Models
import Sealing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A service's read side as the CLI reads it: where it is, its name (which a read is signed for)
/// and the credential that signs; none for the public `GET /secrets-key`.
struct ReadEndpoint {
    var base: String
    var service: String
    var credential: Credential?
}

/// GETs from a service's HTTP read side, signed, and prints the answer.
enum ReadClient {
    /// `path` (with its query, sent as given) from `endpoint`, signed with its credential; given up
    /// after `timeout` seconds.
    static func get(_ endpoint: ReadEndpoint, path: String, timeout: TimeInterval = 60) async throws -> (status: Int, body: Data) {
        guard let url = URL(string: endpoint.base + path) else { throw CLIError("invalid URL \(endpoint.base)\(path)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        for (name, value) in endpoint.credential?.readHeaders(target: path, service: endpoint.service) ?? [:] {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// `?a=1&b=2` from the parameters that have a value; empty when none has.
    static func query(_ parameters: KeyValuePairs<String, String?>) -> String {
        query(parameters.map { ($0.key, $0.value) })
    }

    static func query(_ parameters: [(String, String?)]) -> String {
        let pairs = parameters.compactMap { name, value in
            // `+` and `&` are left alone by .urlQueryAllowed but mean something in a query.
            let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "+&="))
            return value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// Prints a list read: every page, merged into one answer as if the list had fit in one page
    /// (`next_cursor` null), or the one page `--limit`/`--cursor` ask for. `name` is the list's field.
    static func showList(
        _ endpoint: ReadEndpoint,
        path: String,
        filters: KeyValuePairs<String, String?> = [:],
        name: String,
        page: PageOptions,
        json: Bool
    ) async throws {
        let filters = filters.map { ($0.key, $0.value) }
        if page.onePage {
            let location = path + query(filters + [("limit", page.limit.map(String.init)), ("cursor", page.cursor)])
            let (status, body) = try await get(endpoint, path: location)
            guard status == 200, !json, var object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                print(String(decoding: body, as: UTF8.self))
                if status != 200 { throw CLIError("HTTP \(status) from \(endpoint.base)\(location)") }
                return
            }
            let next = object.removeValue(forKey: "next_cursor") as? String
            Table.print(json: try JSONSerialization.data(withJSONObject: object))
            if let next { print("next page: --cursor \(next)") }
            return
        }
        var merged: [String: Any] = [:]
        var items: [Any] = []
        var cursor: String?
        var seen: Set<String> = []
        repeat {
            let location = path + query(filters + [("cursor", cursor)])
            let (status, body) = try await get(endpoint, path: location)
            guard status == 200, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let page = object[name] as? [Any]
            else {
                print(String(decoding: body, as: UTF8.self))
                throw CLIError("HTTP \(status) from \(endpoint.base)\(location)")
            }
            if merged.isEmpty { merged = object }
            items += page
            cursor = object["next_cursor"] as? String
            // A cursor seen before would only repeat pages.
            if let next = cursor, !seen.insert(next).inserted {
                throw CLIError("the read side gave the same cursor twice at \(endpoint.base)\(path)")
            }
        } while cursor != nil
        merged[name] = items
        merged["next_cursor"] = NSNull()
        let body = try JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys, .withoutEscapingSlashes])
        if json {
            print(String(decoding: body, as: UTF8.self))
        } else {
            merged.removeValue(forKey: "next_cursor")
            Table.print(json: try JSONSerialization.data(withJSONObject: merged))
        }
    }

    /// Prints the answer as JSON (`json`) or for people (a table for lists).
    static func show(_ endpoint: ReadEndpoint, path: String, json: Bool) async throws {
        let (status, body) = try await get(endpoint, path: path)
        if json || status != 200 {
            print(String(decoding: body, as: UTF8.self))
        } else {
            Table.print(json: body)
        }
        if status != 200 { throw CLIError("HTTP \(status) from \(endpoint.base)\(path)") }
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
