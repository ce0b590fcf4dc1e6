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
    /// The keys this service tags its events with, one per other service, sorted by name, each
    /// with the first lines of its tags' text.
    private let followerKeys: [(follower: String, key: KeyedHMAC, lines: Data)]
    /// The keys this service checks each other service's events with, with the first lines.
    private let producerKeys: [String: (key: KeyedHMAC, lines: Data)]

    /// The keys between `keys`' service and every other service of its public keys, derived once.
    public init(keys: ServiceKeys) throws {
        let others = keys.publicKeys.keys.filter { $0 != keys.service }.sorted()
        service = keys.service
        followerKeys = try others.map { follower in
            (
                follower, KeyedHMAC(key: try keys.pairKey(producer: keys.service, follower: follower)),
                try Self.firstLines(producer: keys.service, follower: follower)
            )
        }
        producerKeys = Dictionary(
            uniqueKeysWithValues: try others.map { producer in
                (
                    producer,
                    (
                        KeyedHMAC(key: try keys.pairKey(producer: producer, follower: keys.service)),
                        try Self.firstLines(producer: producer, follower: keys.service)
                    )
                )
            }
        )
    }

    /// The `ce_eventtags` value of this service's event with `parts`: a tag for every other
    /// service. Nil when a part holds a line break, which no event this service makes has.
    public func tags(for parts: Parts) -> String? {
        guard let covered = Self.covered(parts) else { return nil }
        var entries: [String] = []
        for (follower, key, lines) in followerKeys {
            entries.append("\(follower)=\(Hex.encode(key.code(for: lines + covered)))")
        }
        return entries.joined(separator: ",")
    }

    /// Whether `tags` (a `ce_eventtags` value) holds this service's tag over `parts` made by
    /// `producer`, compared in constant time.
    public func isAuthentic(_ tags: String?, parts: Parts, producer: String) -> Bool {
        let prefix = Array("\(service)=".utf8)
        guard let tags, let (key, lines) = producerKeys[producer],
            let entry = tags.utf8.split(separator: UInt8(ascii: ",")).first(where: { $0.starts(with: prefix) }),
            let code = Hex.decode(String(Substring(entry.dropFirst(prefix.count)))),
            let covered = Self.covered(parts)
        else { return false }
        return key.isValid(code, for: lines + covered)
    }

    /// The first lines of the text a tag covers, up to the follower's and its line break.
    static func firstLines(producer: String, follower: String) throws -> Data {
        guard let lines = SignedLines.join([algorithm, producer, follower, ""]) else {
            throw ServiceKeys.Failure(description: "a service name holds a line break")
        }
        return lines
    }

    /// The lines after the follower's, the same in every tag of an event.
    static func covered(_ parts: Parts) -> Data? {
        SignedLines.join([parts.id, parts.type, parts.source, parts.time, parts.subject, parts.key, SHA256Digest.hex(of: parts.value)])
    }
}
