import Foundation
import Kafka
import Models

extension KafkaRecord {
    /// The record that carries `envelope` in CloudEvents 1.0 binary mode: its attributes as headers
    /// (``Envelope/kafkaHeaders``), its JSON payload as the value, and `key` (the id of the workspace
    /// or organization it concerns, which orders it within a partition) as the Kafka key.
    public init(_ envelope: Envelope, topic: String, key: String) {
        self.init(topic: topic, key: Data(key.utf8), value: envelope.payload, headers: envelope.kafkaHeaders)
    }
}

extension Envelope {
    /// ``Envelope/headers`` as Kafka headers: the same names in the same order, each value as UTF-8.
    public var kafkaHeaders: [KafkaHeader] {
        headers.map { KafkaHeader(name: $0.name, string: $0.value) }
    }
}
