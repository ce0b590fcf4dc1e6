import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GETs from a service's HTTP read side and prints the answer.
enum ReadClient {
    static func get(_ base: String, path: String) async throws -> (status: Int, body: Data) {
        guard let url = URL(string: base + path) else { throw CLIError("invalid URL \(base)\(path)") }
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// `?a=1&b=2` from the parameters that have a value; empty when none has.
    static func query(_ parameters: KeyValuePairs<String, String?>) -> String {
        let pairs = parameters.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// Prints the answer as JSON (`json`) or for people (a table for lists).
    static func show(_ base: String, path: String, json: Bool) async throws {
        let (status, body) = try await get(base, path: path)
        if json || status != 200 {
            print(String(decoding: body, as: UTF8.self))
        } else {
            Table.print(json: body)
        }
        if status != 200 { throw CLIError("HTTP \(status) from \(base)\(path)") }
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
