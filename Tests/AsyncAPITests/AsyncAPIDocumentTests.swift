import AsyncAPI
import Foundation
import Models
import Testing
import Yams

/// `deploy/asyncapi.yaml` is what the code generates, so it cannot drift from the message types.
/// After changing a message, regenerate it with `UPDATE_ASYNCAPI=1 swift test --filter AsyncAPI`
/// (or `tenancy asyncapi > deploy/asyncapi.yaml`) and review the diff.
@Suite("AsyncAPI document")
struct AsyncAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let file = root.appendingPathComponent("deploy/asyncapi.yaml")

    @Test func theCommittedDocumentIsTheGeneratedOne() throws {
        let generated = try AsyncAPIDocument.yaml()
        if ProcessInfo.processInfo.environment["UPDATE_ASYNCAPI"] == "1" {
            try generated.write(to: Self.file, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.file, encoding: .utf8)
        let firstDifference = zip(committed.split(separator: "\n"), generated.split(separator: "\n")).enumerated().first { $1.0 != $1.1 }
        #expect(
            committed == generated,
            """
            deploy/asyncapi.yaml differs from the code (first at line \((firstDifference?.offset ?? 0) + 1): \
            regenerate with UPDATE_ASYNCAPI=1 swift test --filter AsyncAPI
            """
        )
    }

    @Test func everyTopicAndMessageIsThereAndEveryReferenceResolves() throws {
        let document = try #require(try Yams.load(yaml: try AsyncAPIDocument.yaml()) as? [String: Any])
        #expect(document["asyncapi"] as? String == "3.0.0")
        let channels = try #require(document["channels"] as? [String: [String: Any]])
        #expect(Set(channels.values.compactMap { $0["address"] as? String }) == Set(Topics().all))
        let components = try #require(document["components"] as? [String: Any])
        let messages = try #require(components["messages"] as? [String: [String: Any]])
        let names = Set(messages.values.compactMap { $0["name"] as? String })
        let catalogued = MessageCatalogue.topics.flatMap(\.messages).map { $0.messageType.rawValue }
        #expect(names.isSuperset(of: catalogued) && names.count == catalogued.count + 1, "every message once, plus the dead letter")

        var unresolved: [String] = []
        func visit(_ node: Any) {
            if let mapping = node as? [String: Any] {
                if let target = mapping["$ref"] as? String, resolve(target, in: document) == nil { unresolved.append(target) }
                mapping.values.forEach(visit)
            } else if let sequence = node as? [Any] {
                sequence.forEach(visit)
            }
        }
        visit(document)
        #expect(unresolved.isEmpty, "\(unresolved)")
    }

    private func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        return reference.dropFirst(2).split(separator: "/").reduce(document as Any?) { node, part in
            (node as? [String: Any])?[String(part)]
        }
    }
}
