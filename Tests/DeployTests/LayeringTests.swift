import Foundation
import TestSupport
import Testing

/// The layer the compiler cannot check inside a service target: rules are pure. A rule lives in a
/// `Decide/` folder or in a file named `*Rules.swift` or `*Validation.swift`, and imports only
/// values and pure functions - never the pipeline, the runtime, the database or the network.
@Suite("Layering")
struct LayeringTests {
    static let allowedInRules: Set<String> = ["Foundation", "Models", "Hashing", "Directory", "Yams"]

    static func isRule(_ file: URL) -> Bool {
        file.pathComponents.contains("Decide") || file.lastPathComponent.hasSuffix("Rules.swift")
            || file.lastPathComponent.hasSuffix("Validation.swift")
    }

    static func imports(of source: String) -> Set<String> {
        Set(source.matches(of: /(?m)^(?:@testable )?import (\w+)/).map { String($0.output.1) })
    }

    @Test func rulesImportOnlyValuesAndPureFunctions() throws {
        let services = Repository.root.appendingPathComponent("Services")
        let files = (FileManager.default.enumerator(at: services, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == "swift" && Self.isRule($0) }
        #expect(files.count >= 20, "the rules were found (\(files.count) files)")
        for file in files {
            let extra = Self.imports(of: try String(contentsOf: file, encoding: .utf8)).subtracting(Self.allowedInRules)
            #expect(extra.isEmpty, "\(file.path.replacingOccurrences(of: Repository.root.path + "/", with: "")) imports \(extra.sorted())")
        }
    }

    @Test func importsAreReadFromTheSource() {
        #expect(Self.imports(of: "import Foundation\n@testable import Pipeline\nlet x = 1 // import GRDB\n") == ["Foundation", "Pipeline"])
    }
}
