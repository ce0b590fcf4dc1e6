import Foundation
import Models
import Testing

/// The catalogue lists every message type declared in the models, each on exactly one topic.
@Suite("Message catalogue")
struct MessageCatalogueTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Shared/Models")

    @Test func everyDeclaredMessageTypeIsCataloguedOnce() throws {
        var declared: Set<String> = []
        let files = FileManager.default.enumerator(at: Self.models, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in source.matches(of: /static let messageType: MessageType = "([^"]+)"/) {
                declared.insert(String(match.output.1))
            }
        }
        let catalogued = MessageCatalogue.topics.flatMap(\.messages).map { $0.messageType.rawValue }
        #expect(declared.count > 80)
        #expect(Set(catalogued) == declared)
        #expect(catalogued.count == Set(catalogued).count, "a message type is listed on two topics")
        #expect(catalogued.allSatisfy { MessageType(rawValue: $0).isWellFormed })
    }
}
