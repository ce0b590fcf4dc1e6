import Kafka

/// Sizes that keep every record a service queues within what its producer may send, so that no
/// record waits in the outbox for a send that cannot succeed.
package struct RecordLimits: Sendable, Hashable {
    /// Largest payload the service accepts (`--max-payload-bytes`). Default: 1 MiB.
    package var maxPayloadBytes: Int
    /// Most bytes of an original value a dead letter keeps (`--dead-letter-value-bytes`). Default: 64 KiB.
    package var deadLetterValueBytes: Int

    package static let defaultDeadLetterValueBytes = 65_536
    /// Room for a record's key and headers on top of its value. A dead letter's key and copied
    /// headers stay within a third of it (``DeadLetters``); the headers of events and results are
    /// a few hundred bytes.
    package static let envelopeAllowance = 128 * 1_024

    package init(maxPayloadBytes: Int = 1 << 20, deadLetterValueBytes: Int = RecordLimits.defaultDeadLetterValueBytes) {
        self.maxPayloadBytes = maxPayloadBytes
        self.deadLetterValueBytes = deadLetterValueBytes
    }

    /// The producer's `message.max.bytes`: the largest payload or dead-letter value, with room for
    /// key and headers. A dead letter always fits; so does any event or result of a payload the
    /// service accepted, unless it grew by more than the allowance.
    package var maxRecordBytes: Int { max(maxPayloadBytes, deadLetterValueBytes) + Self.envelopeAllowance }

    /// What a record counts against `message.max.bytes`, rounded up: key, value, header names and
    /// values, and more than librdkafka's framing of the record and of each header.
    package static func size(of record: KafkaRecord) -> Int {
        record.headers.reduce(128 + (record.key?.count ?? 0) + (record.value?.count ?? 0)) { $0 + 16 + $1.name.utf8.count + $1.value.count }
    }
}
