import Foundation
import Logging
import Models
import Synchronization

/// How a service writes its log on standard error.
public enum LogFormat: String, Sendable {
    /// A line for people: time, level, label, message and metadata.
    case text
    /// One JSON object per line, for a log pipeline: `time`, `level`, `service`, `instance`,
    /// `message`, then the metadata (`trace_id`, `span_id`, `command.id`, `command.type`, ...).
    case json
}

/// Writes each entry as one JSON object on one line of standard error. Metadata values keep their
/// shape (strings, arrays, objects); what a metadata provider adds (the trace of the message being
/// processed) is merged under what the entry and the logger carry.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let service: String
    private let instance: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where a finished line goes (standard error unless a test says otherwise).
    public init(
        service: String,
        instance: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError
    ) {
        self.service = service
        self.instance = instance
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata explicit: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { _, own in own }
        if let explicit { merged.merge(explicit) { _, own in own } }
        var text = #"{"time":"# + Self.quoted(Timestamp.format(Date())) + #","level":"# + Self.quoted(level.rawValue)
        text += #","service":"# + Self.quoted(service) + #","instance":"# + Self.quoted(instance)
        text += #","message":"# + Self.quoted(message.description)
        for key in merged.keys.sorted() where !Self.fixed.contains(key) {
            text += "," + Self.quoted(key) + ":" + Self.json(merged[key]!)
        }
        write(text + "}\n")
    }

    /// Field names the handler writes itself; metadata under these names is left out.
    private static let fixed: Set<String> = ["time", "level", "service", "instance", "message"]

    private static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): quoted(string)
        case .stringConvertible(let convertible): quoted(convertible.description)
        case .array(let values): "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let fields): "{" + fields.keys.sorted().map { quoted($0) + ":" + json(fields[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string: quotes, backslashes and every control character escaped, so a value with a
    /// line break never splits the line.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static let lock = Mutex<Void>(())

    /// One `write` per line, under a lock, so that lines of concurrent entries never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { _ in
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
