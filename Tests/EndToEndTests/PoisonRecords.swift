import Foundation
import Kafka
import Models
import TestSupport

/// Records that must be refused: each with the code its result must carry and whether it is
/// undecodable (and so also dead-lettered). One is no poison at all: a command keyed by another
/// workspace's id is processed as its credential says (the key only orders), with code nil.
struct PoisonRecord {
    let id: String
    let what: String
    let record: KafkaRecord
    let code: ErrorCode?
    let deadLettered: Bool

    /// A valid command whose Kafka key names a workspace the credential has nothing to do with.
    static func wrongKey<M: Message>(_ command: M, topic: String, key: String, credential: Credential) -> PoisonRecord {
        let id = "poison-wrong-key-\(UUID().uuidString.prefix(8).lowercased())"
        return PoisonRecord(
            id: id,
            what: "wrong-key",
            record: CommandFactory.record(command, topic: topic, id: id, key: key, credential: credential),
            code: nil,
            deadLettered: false
        )
    }

    /// Every kind, aimed at one command topic with a command that would otherwise be valid there.
    static func all<M: Message>(
        valid command: M,
        topic: String,
        key: String,
        credential: Credential,
        revoked: Credential,
        foreign: some Message
    ) -> [PoisonRecord] {
        func id(_ what: String) -> String { "poison-\(what)-\(UUID().uuidString.prefix(8).lowercased())" }
        func record(_ what: String, _ build: (inout KafkaRecord) -> Void) -> (String, KafkaRecord) {
            let id = id(what)
            var record = CommandFactory.record(command, topic: topic, id: id, key: key, credential: credential)
            build(&record)
            return (id, record)
        }
        func poison(_ what: String, _ code: ErrorCode, deadLettered: Bool, _ build: (inout KafkaRecord) -> Void) -> PoisonRecord {
            let (id, record) = record(what, build)
            return PoisonRecord(id: id, what: what, record: record, code: code, deadLettered: deadLettered)
        }
        func setHeader(_ record: inout KafkaRecord, _ name: String, _ value: String) {
            record.headers = record.headers.filter { $0.name != name } + [KafkaHeader(name: name, string: value)]
        }
        let forged: Credential =
            if case .apiKey(let clientID, _) = credential { .apiKey(clientID: clientID, secret: "forged-\(UUID().uuidString)") } else { credential }
        let foreignID = id("foreign-ids")
        return [
            poison("empty", .malformedPayload, deadLettered: true) { $0.value = Data() },
            poison("not-json", .malformedPayload, deadLettered: true) { $0.value = Data("{ not json".utf8) },
            poison("wrong-schema", .malformedPayload, deadLettered: true) { $0.value = Data(#"[{"integration_id": 42}]"#.utf8) },
            poison("unknown-type", .unknownType, deadLettered: true) { setHeader(&$0, Envelope.Header.type, "tenancy.lifecycle.Teleport.v1") },
            poison("huge", .messageTooLarge, deadLettered: true) { $0.value = Data(repeating: UInt8(ascii: " "), count: 300_000) },
            poison("no-specversion", .malformedEnvelope, deadLettered: true) { $0.headers.removeAll { $0.name == Envelope.Header.specVersion } },
            poison("unknown-field", .invalidArgument, deadLettered: false) { record in
                var object = (try? JSONSerialization.jsonObject(with: record.value ?? Data()) as? [String: Any]) ?? [:]
                object["teleport_to"] = "mars"
                record.value = try? JSONSerialization.data(withJSONObject: object)
                record = CommandFactory.signed(record, by: credential)
            },
            poison("forged-secret", .unauthenticated, deadLettered: false) { $0 = CommandFactory.signed($0, by: forged) },
            poison("revoked-key", .unauthenticated, deadLettered: false) { $0 = CommandFactory.signed($0, by: revoked) },
            poison("tampered", .unauthenticated, deadLettered: false) { setHeader(&$0, Envelope.Header.subject, "ws_someone_else") },
            poison("no-credential", .unauthenticated, deadLettered: false) { $0.headers.removeAll { $0.name == Envelope.Header.authorization } },
            PoisonRecord(
                id: foreignID,
                what: "foreign-ids",
                record: CommandFactory.record(foreign, topic: topic, id: foreignID, key: key, credential: credential),
                code: .notFound,
                deadLettered: false
            ),
        ]
    }
}
