import Foundation
import Kafka
import Models

extension KafkaRecord {
    /// The value of the header `name`, as text; nil when the record has none.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}

extension [KafkaConsumedMessage] {
    /// The results of the command `commandID` among these records of the results topic.
    public func results(for commandID: String) -> [CommandResult] {
        filter { $0.header(Envelope.Header.subject) == commandID }.compactMap { $0.value.flatMap(CommandResult.openingSecrets) }
    }
}
