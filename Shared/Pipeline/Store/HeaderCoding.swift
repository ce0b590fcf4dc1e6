import Foundation
import Kafka

/// The compact form in which an outbox row keeps its record's headers: a format byte, then per
/// header a 2-byte name length, the name, a 4-byte value length and the value (big-endian lengths).
/// Cheaper to write and read than JSON, and it keeps header values as the bytes they are.
enum HeaderCoding {
    static let format: UInt8 = 1

    static func encode(_ headers: [KafkaHeader]) -> Data {
        // Built as bytes and turned into `Data` once: appending to `Data` piece by piece is slow on this per-record path.
        var bytes: [UInt8] = [format]
        bytes.reserveCapacity(1 + headers.reduce(0) { $0 + 6 + $1.name.utf8.count + $1.value.count })
        for header in headers {
            append(UInt16(truncatingIfNeeded: header.name.utf8.count), to: &bytes)
            bytes += header.name.utf8
            append(UInt32(truncatingIfNeeded: header.value.count), to: &bytes)
            bytes += header.value
        }
        return Data(bytes)
    }

    /// Nil when the bytes are not in this format (a damaged row).
    static func decode(_ data: Data) -> [KafkaHeader]? {
        var reader = Reader(bytes: [UInt8](data))
        guard reader.take(1)?.first == format else { return nil }
        var headers: [KafkaHeader] = []
        while !reader.isAtEnd {
            guard let nameLength = reader.integer(2), let name = reader.take(nameLength),
                let valueLength = reader.integer(4), let value = reader.take(valueLength)
            else { return nil }
            headers.append(KafkaHeader(name: String(decoding: name, as: UTF8.self), value: Data(value)))
        }
        return headers
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count <= bytes.count - position else { return nil }
            defer { position += count }
            return bytes[position..<position + count]
        }

        mutating func integer(_ width: Int) -> Int? {
            take(width).map { $0.reduce(0) { $0 << 8 | Int($1) } }
        }
    }
}
