import Foundation
import Kafka
import Models

extension [KafkaConsumedMessage] {
    /// The results of the command `commandID` among these records of the results topic.
    public func results(for commandID: String) -> [CommandResult] {
        filter { $0.header(Envelope.Header.subject) == commandID }.compactMap { $0.value.flatMap(CommandResult.openingSecrets) }
    }
}
