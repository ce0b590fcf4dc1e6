import Foundation
import TestSupport
import Testing

/// The deployment files and docs/configuration.md speak of exactly the settings the code reads, with
/// the defaults the code has.
@Suite("Configuration reference")
struct ConfigurationReferenceTests {
    static let root = Repository.root
    static let reference = "docs/configuration.md"

    /// Where the code that reads settings lives: the services, what is linked into them, and the
    /// clients (the CLI). A directory that does not exist (before or after a move) is skipped.
    static let sourceDirectories = ["Services", "Shared", "Clients"]

    /// Every `TENANCY_*` variable the services and the CLI read: literal names, and the CLI's settings,
    /// which it reads as `TENANCY_<KEY>` or from the config file.
    static func variablesTheCodeReads() throws -> Set<String> {
        var names: Set<String> = []
        for source in try sources() {
            names.formUnion(source.matches(of: /"(TENANCY_[A-Z_]+)"/).map { String($0.output.1) })
            names.formUnion(source.matches(of: /setting\("([a-z_]+)"\)/).map { "TENANCY_" + $0.output.1.uppercased() })
        }
        return names
    }

    /// The text of every production Swift file: test support and tests excluded.
    static func sources() throws -> [String] {
        try sourceDirectories.flatMap { directory in
            try swiftFiles(under: root.appendingPathComponent(directory))
                .filter { !$0.path.contains("/TestSupport/") && !$0.path.contains("/Tests/") }
                .map { try String(contentsOf: $0, encoding: .utf8) }
        }
    }

    static func swiftFiles(under directory: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return (FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []).filter {
            $0.pathExtension == "swift"
        }
    }

    static func variablesNamed(in text: String) -> Set<String> {
        Set(text.matches(of: /TENANCY_[A-Z_]*[A-Z]/).map { String($0.output) })
    }

    /// The defaults the code gives its settings, by variable: a line that reads `"TENANCY_X"` (or the
    /// CLI's `setting("x")`) and ends with `?? <literal>` or `default: <literal>)`, as in
    /// `environment["TENANCY_PARTITIONS"].flatMap(Int32.init) ?? 6`. A variable can have several
    /// (the services and the CLI both read `TENANCY_BOOTSTRAP_SERVERS`).
    static func defaultsInTheCode() throws -> [String: Set<String>] {
        let literal = #"("[^"]*"|-?[0-9][0-9_]*(?:\.[0-9]+)?(?:\s*<<\s*[0-9]+)?)"#
        let patterns = [
            try Regex(#""(TENANCY_[A-Z_]+)".*(?:\?\?|default:)\s*"# + literal + #"\)?\s*(?://.*)?$"#),
            try Regex(#"setting\("([a-z_]+)"\).*(?:\?\?|default:)\s*"# + literal + #"\)?\s*(?://.*)?$"#),
        ]
        var defaults: [String: Set<String>] = [:]
        for source in try sources() {
            for line in source.split(separator: "\n") {
                for (index, pattern) in patterns.enumerated() {
                    guard let match = try pattern.firstMatch(in: line),
                        let name = match.output[1].substring, let value = match.output[2].substring
                    else { continue }
                    let variable = index == 0 ? String(name) : "TENANCY_" + name.uppercased()
                    defaults[variable, default: []].insert(normalized(String(value)))
                }
            }
        }
        return defaults
    }

    /// The defaults docs/configuration.md gives, by variable: from every table row whose first cell is
    /// one `TENANCY_*` variable in backticks, the first backticked value of its third (default) cell.
    /// A default cell without one ("none", "the bundled templates") documents no literal default.
    static func documentedDefaults(in text: String) -> [String: [String]] {
        var defaults: [String: [String]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.replacingOccurrences(of: #"\|"#, with: "¦").split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 4, let name = cells[1].wholeMatch(of: /`(TENANCY_[A-Z_]+)`/)?.output.1,
                let value = cells[3].firstMatch(of: /`([^`]*)`/)?.output.1
            else { continue }
            defaults[String(name), default: []].append(normalized(String(value)))
        }
        return defaults
    }

    /// One spelling per value: quotes and digit separators dropped, `a << b` worked out, numbers
    /// written without a needless fraction (`7.0` and `7` are the same default).
    static func normalized(_ value: String) -> String {
        let text = value.trimmingCharacters(in: .whitespaces)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
        let digits = text.replacingOccurrences(of: "_", with: "")
        if let shift = digits.wholeMatch(of: /(-?[0-9]+)\s*<<\s*([0-9]+)/), let base = Int(shift.output.1), let bits = Int(shift.output.2) {
            return String(base << bits)
        }
        if let number = Double(digits) {
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        }
        return text
    }

    @Test func deploymentFilesSetOnlyVariablesTheCodeReads() throws {
        let known = try Self.variablesTheCodeReads()
        #expect(known.count > 30)
        let deploy = Self.root.appendingPathComponent("deploy")
        let files =
            ["compose.yaml", "Dockerfile"].map { deploy.appendingPathComponent($0) }
            + (try FileManager.default.contentsOfDirectory(at: deploy.appendingPathComponent("kubernetes"), includingPropertiesForKeys: nil))
        for file in files {
            // What the file sets, not what its comments say.
            let text = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
            // `${TENANCY_X:-default}` is compose's substitution: the compose client reads it, not the code.
            let substituted = Self.variablesNamed(in: text.matches(of: /\$\{TENANCY_[A-Z_]+/).map { String($0.output) }.joined(separator: " "))
            let used = Self.variablesNamed(in: text.replacing(/\$\{TENANCY_[A-Z_]+/, with: ""))
            #expect(used.subtracting(known).isEmpty, "\(file.lastPathComponent) sets \(used.subtracting(known).sorted()), which nothing reads")
            let reference = try String(contentsOf: Self.root.appendingPathComponent(Self.reference), encoding: .utf8)
            #expect(substituted.subtracting(Self.variablesNamed(in: reference)).isEmpty, "\(Self.reference) does not mention \(substituted.sorted())")
        }
    }

    @Test func theReferenceDocumentsEveryVariableTheCodeReads() throws {
        let reference = try String(contentsOf: Self.root.appendingPathComponent(Self.reference), encoding: .utf8)
        let missing = try Self.variablesTheCodeReads().subtracting(Self.variablesNamed(in: reference))
        #expect(missing.isEmpty, "\(Self.reference) does not mention \(missing.sorted())")
    }

    @Test func theReferenceGivesTheDefaultsTheCodeHas() throws {
        let code = try Self.defaultsInTheCode()
        // If the way options are declared changes, the parsing must follow: these must be found.
        let required = [
            "TENANCY_PARTITIONS", "TENANCY_REPLICATION_FACTOR", "TENANCY_SESSION_TIMEOUT_MS", "TENANCY_HEARTBEAT_INTERVAL_MS",
            "TENANCY_FETCH_WAIT_MS", "TENANCY_MAX_BATCH", "TENANCY_MAX_PAYLOAD_BYTES", "TENANCY_INBOX_RETENTION_DAYS",
            "TENANCY_TOPIC_PREFIX", "TENANCY_HTTP_HOST", "TENANCY_BOOTSTRAP_SERVERS",
        ]
        let unparsed = Set(required).subtracting(code.keys)
        #expect(unparsed.isEmpty, "no default found in the code for \(unparsed.sorted())")

        let documented = Self.documentedDefaults(in: try String(contentsOf: Self.root.appendingPathComponent(Self.reference), encoding: .utf8))
        for (variable, values) in code.sorted(by: { $0.key < $1.key }) {
            #expect(values.count == 1, "the code gives \(variable) different defaults: \(values.sorted())")
            guard let rows = documented[variable] else {
                Issue.record("\(Self.reference) has no table row with a default for \(variable) (the code's: \(values.sorted()))")
                continue
            }
            for row in rows {
                #expect(values.contains(row), "\(Self.reference) gives \(variable) the default \(row); the code's is \(values.sorted())")
            }
        }
    }

    @Test func defaultsAreReadFromATableRow() {
        let row = "| `TENANCY_PARTITIONS` | `--partitions` | `6` | partitions |\n| `TENANCY_X` | `--x` | none | no literal default |"
        #expect(Self.documentedDefaults(in: row) == ["TENANCY_PARTITIONS": ["6"]])
        #expect(Self.normalized("1 << 20") == "1048576")
        #expect(Self.normalized("10_000") == "10000")
        #expect(Self.normalized("\"127.0.0.1\"") == "127.0.0.1")
        #expect(Self.normalized("7.0") == Self.normalized("7"))
    }
}
