import Foundation
import Kafka
import Messaging
import Models

/// Builds command records the way a client would: a CloudEvents envelope in Kafka headers.
public enum CommandFactory {
    public static func record<M: Message>(
        _ command: M,
        topic: String,
        id: String = UUID().uuidString.lowercased(),
        key: String,
        credential: Credential?
    ) -> KafkaRecord {
        let envelope = Envelope(
            id: id,
            type: M.messageType,
            source: "/tests",
            time: Date(),
            subject: key,
            authorization: credential?.headerValue,
            replyKey: TestReplyKey.encoded,
            payload: JSONCoding.encode(command)
        )
        return KafkaRecord(envelope, topic: topic, key: key)
    }
}
