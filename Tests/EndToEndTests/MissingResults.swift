import Foundation
import Kafka
import Models
import TestSupport

/// Says, for commands whose result never came, how far the service that takes them got: where the
/// command was stored, the service's next offset on that partition, whether its inbox has the id
/// (processed) and whether its outbox still holds the result, and what its log says about the id.
enum MissingResults {
    static func describe(_ missing: [String], deliveries: [String: DeliveryReport], deployment: Deployment) async -> String {
        var lines = ["logs and databases in \(deployment.directory.path)"]
        for id in missing.prefix(10) {
            guard let delivery = deliveries[id] else {
                lines.append("\(id): a poison record or a deactivation cycle's command (no delivery report kept)")
                continue
            }
            let service = Self.service(taking: delivery.topic, topics: deployment.topics)
            let quoted = "'\(id)'"
            let nextOffset = try? await EffectCheck.values(
                service,
                "SELECT next_offset FROM consumer_offset WHERE topic = '\(delivery.topic)' AND partition = \(delivery.partition)",
                deployment
            ).first
            let inInbox = try? await EffectCheck.count(service, "SELECT count(*) FROM inbox WHERE message_id = \(quoted)", deployment)
            let inOutbox = try? await EffectCheck.count(
                service,
                "SELECT count(*) FROM outbox WHERE json_extract(CAST(value AS TEXT), '$.command_id') = \(quoted)",
                deployment
            )
            let log = (try? String(contentsOf: deployment.directory.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
            let mentions = log.split(separator: "\n").filter { $0.contains(id) }.prefix(3)
            lines.append(
                "\(id): stored at \(delivery.topic)[\(delivery.partition)]@\(delivery.offset); \(service)'s next offset there \(nextOffset ?? "none"), "
                    + "in its inbox \(inInbox.map(String.init) ?? "?"), results in its outbox \(inOutbox.map(String.init) ?? "?")"
                    + mentions.map { "\n  \($0)" }.joined()
            )
        }
        return lines.joined(separator: "\n")
    }

    private static func service(taking topic: String, topics: Topics) -> String {
        switch topic {
        case topics.sharingCommands: "sharing"
        case topics.deactivationCommands: "deactivation"
        default: "lifecycle"
        }
    }
}
