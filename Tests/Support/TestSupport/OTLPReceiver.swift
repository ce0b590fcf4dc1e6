import Foundation

/// A real OTLP/HTTP receiver (`Tests/Support/otlp-receiver.py`, opentelemetry-proto) on a free
/// loopback port: what is exported to ``endpoint`` is kept, a span per line, and read back as ``spans()``.
public final class OTLPReceiver: Sendable {
    public let port: Int
    public let output: URL
    private let child: ChildProcess

    /// One span as exported.
    public struct ReceivedSpan: Decodable, Sendable {
        public var traceID: String
        public var spanID: String
        public var parentSpanID: String
        public var name: String
        /// Its resource's `service.name`: `tenancy-sharing`, `tenancy-cli`, ...
        public var service: String
        public var attributes: [String: AttributeValue]
        /// 2 is an error (OTLP's STATUS_CODE_ERROR).
        public var status: Int

        enum CodingKeys: String, CodingKey {
            case traceID = "trace_id"
            case spanID = "span_id"
            case parentSpanID = "parent_span_id"
            case name, service, attributes, status
        }
    }

    /// An attribute's value: text, a number or a flag, shown as text.
    public struct AttributeValue: Decodable, Sendable, CustomStringConvertible {
        public var description: String

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                description = text
            } else if let number = try? container.decode(Double.self) {
                description = String(number)
            } else {
                description = String(try container.decode(Bool.self))
            }
        }
    }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public static func start() async throws -> OTLPReceiver {
        let port = try FreePort.next()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(port)-\(UUID().uuidString.prefix(8)).jsonl")
        let script = Repository.root.appendingPathComponent("Tests/Support/otlp-receiver.py").path
        let child = try await ChildProcess.startServer(
            "OTLP receiver",
            port: port,
            executable: Repository.python,
            arguments: [script, "--port", String(port), "--output", output.path],
            logFile: output.appendingPathExtension("log")
        )
        return OTLPReceiver(port: port, output: output, child: child)
    }

    private init(port: Int, output: URL, child: ChildProcess) {
        self.port = port
        self.output = output
        self.child = child
    }

    public func stop() {
        child.stop(signal: SIGKILL, timeout: .seconds(5))
    }

    /// Every span received so far.
    public func spans() throws -> [ReceivedSpan] {
        guard let text = try? String(contentsOf: output, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ReceivedSpan.self, from: Data($0.utf8)) }
    }

    /// The raw lines received so far, for looking for what must not be there.
    public func rawText() -> String {
        (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }
}
