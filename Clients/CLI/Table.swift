import Foundation

/// Prints a read-side answer for people: a list as a table (one row per item, one column per field,
/// nested fields as `a.b`), a single object as `field: value` lines.
enum Table {
    static let maxCell = 48

    static func print(json data: Data) {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        let lists = object.filter { $0.value.isListOfObjects }
        if lists.count == 1, let (name, value) = lists.first, case .array(let items) = value {
            for (key, scalar) in object.sorted(by: { $0.key < $1.key }) where key != name { Swift.print("\(key): \(scalar.text)") }
            Swift.print(table(items.map { $0.flattened }), terminator: "")
            Swift.print("(\(items.count) \(name.replacingOccurrences(of: "_", with: " ")))")
        } else {
            for (key, value) in JSONValue.object(object).flattened.sorted(by: { $0.key < $1.key }) { Swift.print("\(key): \(value)") }
        }
    }

    /// Columns in first-seen order; every cell cut to `maxCell` characters.
    static func table(_ rows: [[String: String]]) -> String {
        var columns: [String] = []
        for row in rows { for key in row.keys.sorted() where !columns.contains(key) { columns.append(key) } }
        let cells = rows.map { row in columns.map { cut(row[$0] ?? "") } }
        let widths = columns.indices.map { index in ([columns[index]] + cells.map { $0[index] }).map(\.count).max() ?? 0 }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(
                in: .whitespaces
            ) + "\n"
        }
        return ([line(columns.map { $0.uppercased() })] + cells.map(line)).joined()
    }

    private static func cut(_ value: String) -> String {
        let single = value.replacingOccurrences(of: "\n", with: " ")
        return single.count > maxCell ? String(single.prefix(maxCell - 1)) + "…" : single
    }
}

/// Any JSON value, decoded exactly (booleans stay booleans).
enum JSONValue: Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// An array whose elements (if any) are all objects: shown as a table.
    var isListOfObjects: Bool {
        guard case .array(let items) = self else { return false }
        return items.allSatisfy { if case .object = $0 { true } else { false } }
    }

    /// A cell's text: lists joined with commas, objects as `key=value` pairs.
    var text: String {
        switch self {
        case .string(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): String(value)
        case .array(let values): values.map(\.text).joined(separator: ", ")
        case .object: flattened.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        case .null: ""
        }
    }

    /// `{"a": {"b": 1}, "c": [1, 2]}` -> `["a.b": "1", "c": "1, 2"]`.
    var flattened: [String: String] {
        guard case .object(let object) = self else { return ["value": text] }
        var flat: [String: String] = [:]
        for (key, value) in object {
            if case .object = value {
                for (inner, text) in value.flattened { flat[key + "." + inner] = text }
            } else {
                flat[key] = value.text
            }
        }
        return flat
    }
}
