import Foundation
import Kafka
import Models
import Sealing

extension EventTag.Parts {
    /// What a tag covers of a record, as on the wire.
    init(headers: [KafkaHeader], key: Data?, value: Data?) {
        func header(_ name: String) -> String {
            headers.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) } ?? ""
        }
        self.init(
            id: header(Envelope.Header.id),
            type: header(Envelope.Header.type),
            source: header(Envelope.Header.source),
            time: header(Envelope.Header.time),
            subject: header(Envelope.Header.subject),
            key: key.map { String(decoding: $0, as: UTF8.self) } ?? "",
            value: value ?? Data()
        )
    }
}

extension KafkaRecord {
    /// This record as `tag`'s service publishes it on its own topic: with its tag for every other
    /// service in `ce_eventtags` (none when a part holds a line break, so no follower applies it).
    package func tagged(by tag: EventTag) -> KafkaRecord {
        var record = self
        record.headers.removeAll { $0.name == Envelope.Header.eventTags }
        if let tags = tag.tags(for: EventTag.Parts(headers: headers, key: key, value: value)) {
            record.headers.append(KafkaHeader(name: Envelope.Header.eventTags, string: tags))
        }
        return record
    }
}

extension EventTag {
    /// Why `message`, read from the events topic of `owner`, is not that service's event for this
    /// one; nil when it is: its `ce_source` names the owner and its tag for this service holds.
    func forgery(of message: KafkaConsumedMessage, owner: String?) -> String? {
        let parts = EventTag.Parts(headers: message.headers, key: message.key, value: message.value)
        guard let owner else { return "no service owns the topic \(message.topic), so none can tag its events" }
        guard parts.source == "/tenancy/\(owner)" else { return "ce_source \(parts.source) is not /tenancy/\(owner), whose topic carries it" }
        let tags = message.headers.first { $0.name == Envelope.Header.eventTags }.map { String(decoding: $0.value, as: UTF8.self) }
        guard isAuthentic(tags, parts: parts, producer: owner) else {
            return "the event carries no valid tag from \(owner) for \(service) (\(Envelope.Header.eventTags))"
        }
        return nil
    }
}
