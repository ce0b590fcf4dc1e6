import Foundation
import Models

/// Derives a type's JSON Schema from its own `Decodable` conformance: a `Decoder` that answers every
/// request with a placeholder and writes down what was asked for (which keys, of which types, which
/// of them optional). The schema therefore follows the code; it cannot be edited apart from it.
enum SchemaRecorder {
    /// The schema of `type` and a placeholder value of it.
    static func describe<T: Decodable>(_ type: T.Type) throws -> (schema: JSONSchema, value: T) {
        if let described = type as? any SchemaDescribed.Type {
            return (described.schema, described.placeholder as! T)
        }
        if let enumeration = type as? any (CaseIterable & RawRepresentable).Type, let (values, first) = cases(of: enumeration) {
            return (.enumeration(values), first as! T)
        }
        if let map = type as? any StringKeyedMap.Type {
            return (.map(of: try describe(map.valueType).schema), map.empty as! T)
        }
        let decoder = RecordingDecoder()
        let value = try T(from: decoder)
        return (decoder.recorded ?? .object([]), value)
    }

    private static func cases<E: CaseIterable & RawRepresentable>(of type: E.Type) -> ([String], E)? {
        let values = type.allCases.compactMap { $0.rawValue as? String }
        guard let first = type.allCases.first, values.count == type.allCases.count else { return nil }
        return (values, first)
    }
}

/// A type whose schema is stated rather than recorded, because its `Decodable` conformance checks
/// the value (a placeholder would not pass) or says less than the wire format does.
protocol SchemaDescribed {
    static var schema: JSONSchema { get }
    static var placeholder: Self { get }
}

extension String: SchemaDescribed {
    static var schema: JSONSchema { .string() }
    static var placeholder: String { "" }
}

extension Bool: SchemaDescribed {
    static var schema: JSONSchema { .boolean }
    static var placeholder: Bool { false }
}

extension Int: SchemaDescribed {
    static var schema: JSONSchema { .integer }
    static var placeholder: Int { 0 }
}

extension Int64: SchemaDescribed {
    static var schema: JSONSchema { .integer }
    static var placeholder: Int64 { 0 }
}

extension Double: SchemaDescribed {
    static var schema: JSONSchema { .number }
    static var placeholder: Double { 0 }
}

extension Date: SchemaDescribed {
    static var schema: JSONSchema { .string(format: "date-time") }
    static var placeholder: Date { Date(timeIntervalSince1970: 0) }
}

extension Identifier: SchemaDescribed {
    static var schema: JSONSchema { .string(pattern: "^\(Kind.prefix)_[A-Za-z0-9]{1,64}$") }
    static var placeholder: Identifier { Identifier(rawValue: Kind.prefix + "_0") }
}

extension Scope: SchemaDescribed {
    static var schema: JSONSchema { .enumeration(Scope.all.sorted().map(\.rawValue)) }
    static var placeholder: Scope { .workspaceRead }
}

/// `[String: Value]`, which JSON writes as an object with free keys.
private protocol StringKeyedMap {
    static var valueType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Dictionary: StringKeyedMap where Key == String, Value: Decodable {
    static var valueType: any Decodable.Type { Value.self }
    static var empty: Self { [:] }
}

/// Records the containers a type's `init(from:)` asks for.
private final class RecordingDecoder: Decoder {
    let codingPath: [any CodingKey] = []
    let userInfo: [CodingUserInfoKey: Any] = [:]
    var recorded: JSONSchema?

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let container = KeyedRecorder<Key>(owner: self)
        recorded = .object([])
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { UnkeyedRecorder(owner: self) }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueRecorder(owner: self) }

    fileprivate func record(property name: String, _ schema: JSONSchema) {
        guard case .object(var properties, _) = recorded else { return }
        if let index = properties.firstIndex(where: { $0.name == name }) {
            properties[index].schema = schema
        } else {
            properties.append(.init(name: name, schema: schema, required: true))
        }
        recorded = .object(properties)
    }

    /// `decodeIfPresent` asks whether the key holds null before it decodes: the key is optional.
    fileprivate func recordOptional(property name: String) {
        guard case .object(var properties, _) = recorded else { return }
        if let index = properties.firstIndex(where: { $0.name == name }) {
            properties[index].required = false
        } else {
            properties.append(.init(name: name, schema: .object([]), required: false))
        }
        recorded = .object(properties)
    }
}

private struct KeyedRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let owner: RecordingDecoder
    let codingPath: [any CodingKey] = []
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        owner.recordOptional(property: key.stringValue)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (schema, value) = try SchemaRecorder.describe(type)
        owner.record(property: key.stringValue, schema)
        return value
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try primitive(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try primitive(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try primitive(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try primitive(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, key) }

    private func primitive<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        guard type is any SchemaDescribed.Type else { throw unsupported(type) }
        return try decode(type, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw unsupported(type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw unsupported([Any].self) }
    func superDecoder() throws -> any Decoder { throw unsupported(Any.self) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw unsupported(Any.self) }
}

/// An array: it reports one element, whose schema becomes the items' schema.
private final class UnkeyedRecorder: UnkeyedDecodingContainer, RecordsPrimitives {
    let owner: RecordingDecoder
    let codingPath: [any CodingKey] = []
    let count: Int? = nil
    private(set) var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(owner: RecordingDecoder) {
        self.owner = owner
    }

    func decodeNil() throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try SchemaRecorder.describe(type)
        owner.recorded = .array(of: schema)
        currentIndex += 1
        return value
    }

    func recordPrimitive<T: Decodable>(_ type: T.Type) throws -> T { try decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> { throw unsupported(type) }
    func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw unsupported([Any].self) }
    func superDecoder() throws -> any Decoder { throw unsupported(Any.self) }
}

/// A single value, as `RawRepresentable` types and wrappers decode themselves.
private struct SingleValueRecorder: SingleValueDecodingContainer, RecordsPrimitives {
    let owner: RecordingDecoder
    let codingPath: [any CodingKey] = []

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try SchemaRecorder.describe(type)
        owner.recorded = schema
        return value
    }

    func recordPrimitive<T: Decodable>(_ type: T.Type) throws -> T { try decode(type) }
}

/// The primitive requirements that unkeyed and single-value containers share, all answered by the
/// generic path. A primitive without a stated schema is refused rather than decoded into itself.
private protocol RecordsPrimitives {
    func recordPrimitive<T: Decodable>(_ type: T.Type) throws -> T
}

extension RecordsPrimitives {
    func decode(_ type: Bool.Type) throws -> Bool { try primitive(type) }
    func decode(_ type: String.Type) throws -> String { try primitive(type) }
    func decode(_ type: Double.Type) throws -> Double { try primitive(type) }
    func decode(_ type: Float.Type) throws -> Float { try primitive(type) }
    func decode(_ type: Int.Type) throws -> Int { try primitive(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try primitive(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try primitive(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try primitive(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try primitive(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try primitive(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try primitive(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try primitive(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try primitive(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try primitive(type) }

    private func primitive<T: Decodable>(_ type: T.Type) throws -> T {
        guard type is any SchemaDescribed.Type else { throw unsupported(type) }
        return try recordPrimitive(type)
    }
}

private func unsupported(_ type: Any.Type) -> DecodingError {
    DecodingError.typeMismatch(
        type,
        .init(codingPath: [], debugDescription: "the schema recorder does not describe \(type); add it to SchemaDescribed")
    )
}
