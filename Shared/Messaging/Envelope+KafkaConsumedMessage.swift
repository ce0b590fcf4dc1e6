import Kafka
import Models

extension Envelope {
    /// Reads the envelope a consumed record carries, with the checks of
    /// ``Envelope/decode(headers:value:limits:)``: the record's headers and value must form a valid
    /// CloudEvents envelope within `limits`. The topic, partition, offset and key play no part.
    public init(decoding message: KafkaConsumedMessage, limits: EnvelopeLimits = EnvelopeLimits()) throws(EnvelopeError) {
        self = try Envelope.decode(headers: message.headers.map { ($0.name, $0.value) }, value: message.value, limits: limits)
    }
}
