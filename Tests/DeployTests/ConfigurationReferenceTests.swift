import Foundation
import Testing
import TestSupport

/// The deployment files and the README speak of exactly the settings the code reads.
@Suite("Configuration reference")
struct ConfigurationReferenceTests {
    static let root = Repository.root

    /// Every `TENANCY_*` variable the services and the CLI read: literal names, and the CLI's settings,
    /// which it reads as `TENANCY_<KEY>` or from the config file.
    static func variablesTheCodeReads() throws -> Set<String> {
        var names: Set<String> = []
        for directory in ["Services", "Shared", "Clients"] {
            for file in try swiftFiles(under: root.appendingPathComponent(directory)) where !file.path.contains("/Tests/") {
                let source = try String(contentsOf: file, encoding: .utf8)
                names.formUnion(source.matches(of: /"(TENANCY_[A-Z_]+)"/).map { String($0.output.1) })
                names.formUnion(source.matches(of: /setting\("([a-z_]+)"\)/).map { "TENANCY_" + $0.output.1.uppercased() })
            }
        }
        return names
    }

    static func swiftFiles(under directory: URL) throws -> [URL] {
        (FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "swift" }
    }

    static func variablesNamed(in text: String) -> Set<String> {
        Set(text.matches(of: /TENANCY_[A-Z_]*[A-Z]/).map { String($0.output) })
    }

    @Test func deploymentFilesSetOnlyVariablesTheCodeReads() throws {
        let known = try Self.variablesTheCodeReads()
        #expect(known.count > 30)
        let deploy = Self.root.appendingPathComponent("deploy")
        let files = ["compose.yaml", "Dockerfile"].map { deploy.appendingPathComponent($0) }
            + (try FileManager.default.contentsOfDirectory(at: deploy.appendingPathComponent("kubernetes"), includingPropertiesForKeys: nil))
        for file in files {
            let used = Self.variablesNamed(in: try String(contentsOf: file, encoding: .utf8))
            #expect(used.subtracting(known).isEmpty, "\(file.lastPathComponent) sets \(used.subtracting(known).sorted()), which nothing reads")
        }
    }

    @Test func theReadmeDocumentsEveryVariableTheCodeReads() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let missing = try Self.variablesTheCodeReads().subtracting(Self.variablesNamed(in: readme))
        #expect(missing.isEmpty, "README does not mention \(missing.sorted())")
    }
}
