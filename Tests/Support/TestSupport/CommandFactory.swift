import Foundation
import Hashing
import Kafka
import Messaging
import Models
import Sealing

/// Builds command records the way a client would: a CloudEvents envelope in Kafka headers, signed
/// with the credential for the service that takes the topic's commands.
public enum CommandFactory {
    public static func record<M: Message>(
        _ command: M,
        topic: String,
        id: String = CommandID.make(),
        key: String,
        credential: Credential?,
        time: Date = Date()
    ) -> KafkaRecord {
        let envelope = Envelope(
            id: id,
            type: M.messageType,
            source: "/tests",
            time: time,
            subject: key,
            replyKey: TestReplyKey.encoded,
            payload: JSONCoding.encode(command)
        )
        guard let credential, let service = Topics.service(takingCommandsOn: topic) else { return KafkaRecord(envelope, topic: topic, key: key) }
        return KafkaRecord(credential.signing(envelope, recordKey: key, service: service), topic: topic, key: key)
    }

    /// `record` signed anew by `credential`, as a client that built it so would send it.
    public static func signed(_ record: KafkaRecord, by credential: Credential) -> KafkaRecord {
        let key = record.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard let service = Topics.service(takingCommandsOn: record.topic),
            let envelope = try? Envelope.decode(headers: record.headers.map { ($0.name, $0.value) }, value: record.value, limits: EnvelopeLimits())
        else { return record }
        return KafkaRecord(credential.signing(envelope, recordKey: key, service: service), topic: record.topic, key: key)
    }
}
