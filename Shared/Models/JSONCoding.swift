import Foundation

/// The one JSON format on the wire: keys as each type declares them, sorted, dates as RFC 3339.
public enum JSONCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 timestamp")
            }
            return date
        }
        return decoder
    }

    /// One of each, configured once: making an encoder per message was a measurable part of a command's cost.
    private static let sharedEncoder = encoder()
    private static let sharedDecoder = decoder()

    public static func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding the project's own value types cannot fail; a failure is a programming error.
        try! sharedEncoder.encode(value)
    }

    /// Decodes a payload, describing a failure by the path of the offending field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(Rejection) -> T {
        do {
            return try sharedDecoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw Rejection(.malformedPayload, describe(error), field: fieldPath(of: error))
        } catch {
            throw Rejection(.malformedPayload, "payload is not valid JSON")
        }
    }

    private static func fieldPath(of error: DecodingError) -> String? {
        let path: [any CodingKey] =
            switch error {
            case .keyNotFound(let key, let context): context.codingPath + [key]
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath
            @unknown default: []
            }
        let joined = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return joined.isEmpty ? nil : joined
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "required field '\(key.stringValue)' is missing"
        case .typeMismatch(let type, _): "field has the wrong type (expected \(type))"
        case .valueNotFound(let type, _): "field is null (expected \(type))"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: "payload is not valid JSON"
        case .dataCorrupted(let context): context.debugDescription
        @unknown default: "payload does not match the schema"
        }
    }
}
