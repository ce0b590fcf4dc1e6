import Foundation
import Models
import Testing

@testable import AsyncAPI

/// The recorder describes a type from its own `Decodable` conformance.
@Suite("Schema recorder")
struct SchemaRecorderTests {
    enum Colour: String, Codable, CaseIterable { case red, green }

    struct Sample: Codable {
        var name: String
        var nickname: String?
        var count: Int
        var colours: [Colour]
        var labels: [String: String]
        var owner: WorkspaceID
        var at: Date
        var nested: [Inner]

        struct Inner: Codable {
            var flag: Bool
            enum CodingKeys: String, CodingKey { case flag = "is_flag" }
        }
    }

    @Test func describesRequiredAndOptionalFieldsOfEachKind() throws {
        let schema = try SchemaRecorder.describe(Sample.self).schema
        #expect(
            schema
                == .object([
                    .init(name: "name", schema: .string(), required: true),
                    .init(name: "nickname", schema: .string(), required: false),
                    .init(name: "count", schema: .integer, required: true),
                    .init(name: "colours", schema: .array(of: .enumeration(["red", "green"])), required: true),
                    .init(name: "labels", schema: .map(of: .string()), required: true),
                    .init(name: "owner", schema: .string(pattern: "^ws_[A-Za-z0-9]{1,64}$"), required: true),
                    .init(name: "at", schema: .string(format: "date-time"), required: true),
                    .init(name: "nested", schema: .array(of: .object([.init(name: "is_flag", schema: .boolean, required: true)])), required: true),
                ])
        )
    }

    @Test func refusesAPrimitiveItCannotDescribe() {
        struct Odd: Decodable { var small: Int8 }
        #expect(throws: DecodingError.self) { try SchemaRecorder.describe(Odd.self) }
    }

    /// Every message's placeholder, encoded as the services encode it, fits the recorded schema, so
    /// the schema and the wire format agree in both directions.
    @Test func everyMessageEncodesToItsOwnSchema() throws {
        for topic in MessageCatalogue.topics {
            for type in topic.messages {
                let (schema, value) = try SchemaRecorder.describe(type)
                let json = try JSONSerialization.jsonObject(with: JSONCoding.encode(value))
                let problems = SchemaCheck.problems(json, against: schema, at: type.messageType.rawValue)
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }
}

/// A small JSON Schema check over the recorder's schemas.
enum SchemaCheck {
    static func problems(_ value: Any, against schema: JSONSchema, at path: String) -> [String] {
        switch schema {
        case .string(_, let pattern):
            guard let text = value as? String else { return ["\(path): not a string"] }
            if let pattern, text.range(of: pattern, options: .regularExpression) == nil { return ["\(path): '\(text)' does not match \(pattern)"] }
            return []
        case .enumeration(let values):
            return values.contains(value as? String ?? "\u{0}") ? [] : ["\(path): \(value) is not one of \(values)"]
        case .integer:
            return value is Int ? [] : ["\(path): not an integer"]
        case .number:
            return value is Double || value is Int ? [] : ["\(path): not a number"]
        case .boolean:
            return (value as? NSNumber).map { String(cString: $0.objCType) == "c" } == true ? [] : ["\(path): not a boolean"]
        case .array(let items):
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            return array.enumerated().flatMap { problems($1, against: items, at: "\(path)[\($0)]") }
        case .map(let values):
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            return object.flatMap { problems($1, against: values, at: "\(path).\($0)") }
        case .object(let properties, _):
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            let named = Dictionary(uniqueKeysWithValues: properties.map { ($0.name, $0) })
            let missing = properties.filter { $0.required && object[$0.name] == nil }.map { "\(path).\($0.name): missing" }
            let unknown = object.keys.filter { named[$0] == nil }.map { "\(path).\($0): not in the schema" }
            let wrong = object.flatMap { key, value in named[key].map { problems(value, against: $0.schema, at: "\(path).\(key)") } ?? [] }
            return missing + unknown + wrong
        }
    }
}
