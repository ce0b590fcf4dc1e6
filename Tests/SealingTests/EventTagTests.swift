import Crypto
import Foundation
import Models
import Sealing
import Testing

/// A producer's event tags: each holds for its own follower only, and for nothing but the parts it
/// covers.
@Suite("Event tags")
struct EventTagTests {
    static let generated = ServiceKeys.generate()

    static func tag(_ service: String) throws -> EventTag {
        try EventTag(
            keys: ServiceKeys(service: service, privateKey: generated.privateKeys[service]!, publicKeys: generated.publicKeys)
        )
    }

    let parts = EventTag.Parts(
        id: "evt_1",
        type: "tenancy.lifecycle.APIKeyIssued.v2",
        source: "/tenancy/lifecycle",
        time: "2027-01-15T08:00:00.000Z",
        subject: "ws_1",
        key: "ws_1",
        value: Data(#"{"client_id":"key_1"}"#.utf8)
    )

    @Test func aTagHoldsForItsFollowerOnly() throws {
        let header = try #require(try Self.tag("lifecycle").tags(for: parts))
        #expect(header.split(separator: ",").map { $0.split(separator: "=")[0] } == ["deactivation", "notifications", "sharing"])
        for follower in ["sharing", "deactivation", "notifications"] {
            #expect(try Self.tag(follower).isAuthentic(header, parts: parts, producer: "lifecycle"))
            #expect(try !Self.tag(follower).isAuthentic(header, parts: parts, producer: "sharing"), "another producer's name")
        }
        #expect(try !Self.tag("lifecycle").isAuthentic(header, parts: parts, producer: "lifecycle"), "no service tags for itself")

        // Sharing's entry relabelled for Deactivation, or made by another producer, holds for nobody.
        let entries = Dictionary(
            uniqueKeysWithValues: header.split(separator: ",").map { entry in
                let pair = entry.split(separator: "=")
                return (String(pair[0]), String(pair[1]))
            }
        )
        #expect(try !Self.tag("deactivation").isAuthentic("deactivation=\(entries["sharing"]!)", parts: parts, producer: "lifecycle"))
        let bySharing = try #require(try Self.tag("sharing").tags(for: parts))
        #expect(try !Self.tag("deactivation").isAuthentic(bySharing, parts: parts, producer: "lifecycle"))
        #expect(try !Self.tag("deactivation").isAuthentic(nil, parts: parts, producer: "lifecycle"))
        #expect(try !Self.tag("deactivation").isAuthentic("", parts: parts, producer: "lifecycle"))
    }

    @Test func changingAnyCoveredPartBreaksTheTag() throws {
        let header = try #require(try Self.tag("lifecycle").tags(for: parts))
        let sharing = try Self.tag("sharing")
        let changes: [(String, (inout EventTag.Parts) -> Void)] = [
            ("ce_id", { $0.id = "evt_2" }),
            ("ce_type", { $0.type = "tenancy.lifecycle.MemberAdded.v1" }),
            ("ce_source", { $0.source = "/tenancy/sharing" }),
            ("ce_time", { $0.time = "2027-01-15T08:00:00Z" }),
            ("ce_subject", { $0.subject = "ws_2" }),
            ("key", { $0.key = "" }),
            ("value", { $0.value.append(0x20) }),
        ]
        for (name, change) in changes {
            var changed = parts
            change(&changed)
            #expect(!sharing.isAuthentic(header, parts: changed, producer: "lifecycle"), "\(name) changed")
        }
        #expect(sharing.isAuthentic(header, parts: parts, producer: "lifecycle"))
    }

    /// The tag as the docs describe it, computed here apart from ``EventTag``.
    @Test func aTagIsHMACSHA256UnderThePairKeyOverTheDocumentedLines() throws {
        let lifecycle = try ServiceKeys(
            service: "lifecycle",
            privateKey: Self.generated.privateKeys["lifecycle"]!,
            publicKeys: Self.generated.publicKeys
        )
        let key = try lifecycle.pairKey(producer: "lifecycle", follower: "sharing")
        let digest = SHA256.hash(data: parts.value).map { String(format: "%02x", $0) }.joined()
        let text = [
            "TNCY1-EVENT-TAG", "lifecycle", "sharing", "evt_1", "tenancy.lifecycle.APIKeyIssued.v2", "/tenancy/lifecycle",
            "2027-01-15T08:00:00.000Z", "ws_1", "ws_1", digest,
        ].joined(separator: "\n")
        let expected = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).map { String(format: "%02x", $0) }.joined()
        let header = try #require(try Self.tag("lifecycle").tags(for: parts))
        #expect(header.split(separator: ",").contains { $0 == "sharing=\(expected)" })
    }

    @Test func aPartWithALineBreakGetsNoTag() throws {
        var parts = parts
        parts.subject = "ws_1\nws_2"
        #expect(try Self.tag("lifecycle").tags(for: parts) == nil)
    }
}
