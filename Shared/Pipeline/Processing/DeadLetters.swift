import Foundation
import Hashing
import Kafka
import Models

/// Builds dead letters: bounded copies, on the dead-letter topic, of records a service could not
/// use or could not publish. Whatever the original's size, an entry keeps at most
/// ``RecordLimits/deadLetterValueBytes`` of its value (with the whole value's size and SHA-256),
/// 1 KiB of its key and 32 KiB of its headers, so that it always fits the producer's limit.
/// The caller's `authorization` header is never copied, and nothing of the value of a command that
/// carries secret values or a one-time token (``DeadLetterHeader/secretBearingTypes``): credentials
/// never reach another topic.
package struct DeadLetters: Sendable {
    package let topic: String
    /// `ce_source` of the service (`dlq_service`).
    package let service: String
    package let valueBytes: Int

    static let keyBytes = 1_024
    static let headerNameBytes = 256
    static let headerValueBytes = 4_096
    static let copiedHeaderBytes = 32 * 1_024
    static let messageBytes = 1_024

    package init(topic: String, service: String, valueBytes: Int) {
        self.topic = topic
        self.service = service
        self.valueBytes = valueBytes
    }

    /// The entry for a consumed record the service could not decode.
    package func unusable(_ message: KafkaConsumedMessage, _ rejection: Rejection) -> KafkaRecord {
        entry(
            key: message.key,
            value: message.value,
            headers: message.headers,
            describing: [
                KafkaHeader(name: DeadLetterHeader.errorCode, string: rejection.code.rawValue),
                KafkaHeader(name: DeadLetterHeader.errorMessage, string: Self.cut(rejection.message)),
                KafkaHeader(name: DeadLetterHeader.originalTopic, string: message.topic),
                KafkaHeader(name: DeadLetterHeader.originalPartition, string: String(message.partition)),
                KafkaHeader(name: DeadLetterHeader.originalOffset, string: String(message.offset)),
            ]
        )
    }

    /// The entry for a record the service parked because it cannot be published; nil for a dead
    /// letter itself, which is parked without another (a topic that refuses one would refuse the next).
    package func undeliverable(_ record: KafkaRecord, reason: String) -> KafkaRecord? {
        guard record.topic != topic else { return nil }
        return entry(
            key: record.key,
            value: record.value,
            headers: record.headers,
            describing: [
                KafkaHeader(name: DeadLetterHeader.errorCode, string: DeadLetterHeader.undeliverable),
                KafkaHeader(name: DeadLetterHeader.errorMessage, string: Self.cut(reason)),
                KafkaHeader(name: DeadLetterHeader.originalTopic, string: record.topic),
            ]
        )
    }

    private func entry(key: Data?, value: Data?, headers: [KafkaHeader], describing: [KafkaHeader]) -> KafkaRecord {
        let candidates = headers.filter { $0.name.lowercased() != Envelope.Header.authorization }
        var copied: [KafkaHeader] = []
        var copiedBytes = 0
        for header in candidates where header.name.utf8.count <= Self.headerNameBytes {
            let kept = KafkaHeader(name: header.name, value: Data(header.value.prefix(Self.headerValueBytes)))
            let size = kept.name.utf8.count + kept.value.count
            guard copiedBytes + size <= Self.copiedHeaderBytes else { break }
            copied.append(kept)
            copiedBytes += size
        }
        let whole = value ?? Data()
        let type = headers.first { $0.name == Envelope.Header.type }.map { MessageType(rawValue: String(decoding: $0.value, as: UTF8.self)) }
        let dropsValue = type.map(DeadLetterHeader.secretBearingTypes.contains) ?? false
        var added =
            describing + [
                KafkaHeader(name: DeadLetterHeader.service, string: service),
                KafkaHeader(name: DeadLetterHeader.originalSize, string: String(whole.count)),
            ]
        added.append(
            dropsValue
                ? KafkaHeader(name: DeadLetterHeader.valueDropped, string: "secret-bearing type")
                : KafkaHeader(name: DeadLetterHeader.originalSHA256, string: SHA256Digest.hex(of: whole))
        )
        if copied.count < candidates.count {
            added.append(KafkaHeader(name: DeadLetterHeader.headersDropped, string: String(candidates.count - copied.count)))
        }
        return KafkaRecord(
            topic: topic,
            key: key.map { Data($0.prefix(Self.keyBytes)) },
            value: dropsValue ? Data() : value.map { Data($0.prefix(valueBytes)) },
            headers: copied + added
        )
    }

    private static func cut(_ text: String) -> String {
        text.utf8.count <= messageBytes ? text : String(decoding: Data(text.utf8.prefix(messageBytes)), as: UTF8.self)
    }
}
