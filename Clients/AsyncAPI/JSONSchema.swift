import Yams

/// The part of JSON Schema that the message types need, written out as a YAML node.
indirect enum JSONSchema: Equatable {
    case string(format: String? = nil, pattern: String? = nil)
    case enumeration([String])
    case integer
    case number
    case boolean
    case array(of: JSONSchema)
    /// An object with free keys, each value of one schema.
    case map(of: JSONSchema)
    /// An object with named properties; `closed` refuses properties it does not name.
    case object([Property], closed: Bool = false)

    struct Property: Equatable {
        let name: String
        var schema: JSONSchema
        var required: Bool
    }

    /// The same schema with `additionalProperties: false` on its outermost object.
    var closed: JSONSchema {
        guard case .object(let properties, _) = self else { return self }
        return .object(properties, closed: true)
    }

    var node: Node {
        switch self {
        case .string(let format, let pattern):
            var pairs: [(String, Node)] = [("type", "string")]
            if let format { pairs.append(("format", Node.text(format))) }
            if let pattern { pairs.append(("pattern", Node.text(pattern))) }
            return .object(pairs)
        case .enumeration(let values):
            return .object([("type", "string"), ("enum", Node(values.map(Node.text)))])
        case .integer:
            return ["type": "integer"]
        case .number:
            return ["type": "number"]
        case .boolean:
            return ["type": "boolean"]
        case .array(let items):
            return .object([("type", "array"), ("items", items.node)])
        case .map(let values):
            return .object([("type", "object"), ("additionalProperties", values.node)])
        case .object(let properties, let closed):
            var pairs: [(String, Node)] = [("type", "object")]
            let required = properties.filter(\.required).map { Node.text($0.name) }
            if !required.isEmpty { pairs.append(("required", Node(required))) }
            if !properties.isEmpty {
                pairs.append(("properties", .object(properties.map { ($0.name, $0.schema.node) })))
            }
            if closed { pairs.append(("additionalProperties", Node.boolean(false))) }
            return .object(pairs)
        }
    }
}

extension Node {
    /// A string scalar, quoted when YAML would otherwise read it as a number, boolean or null.
    static func text(_ value: String) -> Node { .scalar(value.represented()) }

    static func boolean(_ value: Bool) -> Node { .scalar(value.represented()) }

    /// A mapping with its keys in the given order.
    static func object(_ pairs: [(String, Node)]) -> Node { Node(pairs.map { (Node.text($0.0), $0.1) }) }
}
