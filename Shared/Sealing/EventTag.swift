import Crypto
import Foundation
import Hashing
import Models

/// Proves to a follower that an event comes from the service whose topic carries it. The producer
/// tags each event for every other service with HMAC-SHA256 under the key the two share
/// (``ServiceKeys/pairKey(producer:follower:)``), all in one header
/// (`ce_eventtags`: `<follower>=<hex tag>` entries joined by `,`, sorted by follower); a follower
/// applies an event only when its own tag holds. Nobody without one of the two services' private
/// keys can make a tag, and a tag for one follower proves nothing to another.
///
/// A tag covers these lines joined by `\n`: `TNCY1-EVENT-TAG`, the producer, the follower, `ce_id`,
/// `ce_type`, `ce_source`, `ce_time` (as on the wire), `ce_subject`, the record key (each empty when
/// absent) and the lower-case hex SHA-256 of the record value.
public struct EventTag: Sendable {
    static let algorithm = "TNCY1-EVENT-TAG"

    /// What a tag covers, as on the wire; an absent part is empty.
    public struct Parts: Sendable, Hashable {
        public var id: String
        public var type: String
        public var source: String
        public var time: String
        public var subject: String
        public var key: String
        public var value: Data

        public init(id: String, type: String, source: String, time: String, subject: String, key: String, value: Data) {
            self.id = id
            self.type = type
            self.source = source
            self.time = time
            self.subject = subject
            self.key = key
            self.value = value
        }
    }

    /// The service that tags and checks with these keys.
    public let service: String
    /// The keys this service tags its events with, one per other service, sorted by name.
    private let followerKeys: [(follower: String, key: SymmetricKey)]
    /// The keys this service checks each other service's events with.
    private let producerKeys: [String: SymmetricKey]

    /// The keys between `keys`' service and every other service of its public keys, derived once.
    public init(keys: ServiceKeys) throws {
        let others = keys.publicKeys.keys.filter { $0 != keys.service }.sorted()
        service = keys.service
        followerKeys = try others.map { ($0, try keys.pairKey(producer: keys.service, follower: $0)) }
        producerKeys = Dictionary(uniqueKeysWithValues: try others.map { ($0, try keys.pairKey(producer: $0, follower: keys.service)) })
    }

    /// The `ce_eventtags` value of this service's event with `parts`: a tag for every other
    /// service. Nil when a part holds a line break, which no event this service makes has.
    public func tags(for parts: Parts) -> String? {
        let digest = SHA256Digest.hex(of: parts.value)
        var entries: [String] = []
        for (follower, key) in followerKeys {
            guard let text = Self.text(producer: service, follower: follower, parts: parts, digest: digest) else { return nil }
            entries.append("\(follower)=\(Hex.encode(Data(HMAC<SHA256>.authenticationCode(for: text, using: key))))")
        }
        return entries.joined(separator: ",")
    }

    /// Whether `tags` (a `ce_eventtags` value) holds this service's tag over `parts` made by
    /// `producer`, compared in constant time.
    public func isAuthentic(_ tags: String?, parts: Parts, producer: String) -> Bool {
        guard let tags, let key = producerKeys[producer],
            let entry = tags.split(separator: ",").first(where: { $0.hasPrefix("\(service)=") }),
            let code = Hex.decode(String(entry.dropFirst(service.count + 1))),
            let text = Self.text(producer: producer, follower: service, parts: parts, digest: SHA256Digest.hex(of: parts.value))
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: text, using: key)
    }

    /// The text a tag covers; nil when a part holds a line break.
    static func text(producer: String, follower: String, parts: Parts, digest: String) -> Data? {
        let lines = [algorithm, producer, follower, parts.id, parts.type, parts.source, parts.time, parts.subject, parts.key, digest]
        guard !lines.contains(where: { $0.contains("\n") || $0.contains("\r") }) else { return nil }
        return Data(lines.joined(separator: "\n").utf8)
    }
}
