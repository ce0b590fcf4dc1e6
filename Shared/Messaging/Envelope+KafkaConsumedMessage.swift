import Kafka
import Models

extension Envelope {
    /// Reads the envelope a consumed record carries, with the checks of
    /// ``Envelope/decode(headers:value:limits:)``: the record's headers and value must form a valid
    /// CloudEvents envelope within `limits`. The key is kept as ``Envelope/recordKey``; the topic,
    /// partition and offset play no part.
    public init(decoding message: KafkaConsumedMessage, limits: EnvelopeLimits = EnvelopeLimits()) throws(EnvelopeError) {
        self = try Envelope.decode(headers: message.headers.map { ($0.name, $0.value) }, value: message.value, limits: limits)
        recordKey = message.key.map { String(decoding: $0, as: UTF8.self) }
    }
}
