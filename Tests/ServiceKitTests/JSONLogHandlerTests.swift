import Foundation
import Logging
import Synchronization
import Testing

@testable import ServiceKit

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        var all: [String] { written.withLock { $0 } }
    }

    func logger(_ lines: Lines, provider: Logger.MetadataProvider? = nil) -> Logger {
        var handler = JSONLogHandler(service: "sharing", instance: "sharing-0", metadataProvider: provider) { line in
            lines.written.withLock { $0.append(line) }
        }
        handler.logLevel = .debug
        return Logger(label: "test") { _ in handler }
    }

    func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false, "one line: \(line)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func aLineIsOneObjectWithTheFixedFieldsAndTheMetadata() throws {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["trace_id": "abc", "command.id": "from-provider"] }
        logger(lines, provider: provider).warning(
            "batch failed",
            metadata: ["command.id": "c-1", "nested": ["a": "1", "list": ["x", "y"]], "service": "not-this-one"]
        )
        let line = try object(try #require(lines.all.first))
        #expect(line["level"] as? String == "warning" && line["message"] as? String == "batch failed")
        #expect(line["service"] as? String == "sharing" && line["instance"] as? String == "sharing-0")
        #expect((line["time"] as? String)?.hasSuffix("Z") == true)
        #expect(line["trace_id"] as? String == "abc")
        #expect(line["command.id"] as? String == "c-1", "the entry's own metadata wins over the provider's")
        #expect((line["nested"] as? [String: Any])?["list"] as? [String] == ["x", "y"])
    }

    /// A message with quotes, backslashes, line breaks and control characters stays one line and
    /// reads back as it was.
    @Test func everythingIsEscaped() throws {
        let lines = Lines()
        let text = "a \"quoted\" \\ path\nsecond line\t\u{01}\u{2028}end"
        logger(lines).info("\(text)", metadata: ["value": "\(text)"])
        let line = try object(try #require(lines.all.first))
        #expect(line["message"] as? String == text && line["value"] as? String == text)
    }

    @Test func linesBelowTheLevelAreNotWritten() {
        let lines = Lines()
        var quiet = logger(lines)
        quiet.logLevel = .info
        quiet.debug("hidden")
        quiet.info("shown")
        #expect(lines.all.count == 1)
    }
}
