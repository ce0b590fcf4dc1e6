import Foundation
import Kafka
import Models
import TestSupport
import Testing

/// Looks for every secret value the run created in every place it must never appear: the event,
/// notification, dead-letter and result topics (a new key's secret leaves only sealed to its
/// requester's reply key), the command topics (commands are signed, and integration secret values
/// travel sealed to Lifecycle's key), every service log, the HTTP read sides and the emails.
enum LeakCheck {
    /// Returns the number of (place, secret) pairs found.
    static func leaks(
        secrets: Set<String>,
        world: ReliabilityWorld,
        deployment: Deployment,
        broker: TansuBroker,
        smtp: TestSMTPServer,
        services: RunningServices
    ) async throws -> Int {
        var places: [(name: String, text: String)] = []
        var found = 0
        let topics = deployment.topics
        for topic in [
            topics.lifecycleEvents, topics.sharingEvents, topics.deactivationEvents, topics.notifications, topics.deadLetter, topics.commandResults,
        ] {
            places.append((topic, try await text(of: topic, broker: broker)))
        }
        // Command topics too: commands are signed (no client or operator secret travels) and integration
        // secret values travel sealed to Lifecycle's key.
        for topic in [topics.lifecycleCommands, topics.sharingCommands, topics.deactivationCommands] {
            places.append((topic, try await text(of: topic, broker: broker)))
        }
        places.append(("service logs", services.logs))
        places.append(("emails", smtp.messages().joined(separator: "\n")))
        var reads: [String] = []
        for workspace in world.workspaces + [world.doomed] {
            let id = workspace.id.rawValue
            for (service, path) in [
                ("lifecycle", "/workspaces/\(id)"), ("lifecycle", "/workspaces/\(id)/integrations"), ("lifecycle", "/workspaces/\(id)/api-keys"),
                ("lifecycle", "/workspaces/\(id)/invitations"), ("sharing", "/workspaces/\(id)/shares"),
                ("notifications", "/workspaces/\(id)/notifications"),
                ("deactivation", "/workspaces/\(id)/operations"),
            ] {
                reads.append(
                    await signedGet(port: services.port(service), path: path, credential: TestKeys.operatorCredential, service: service)?.body ?? ""
                )
            }
        }
        for service in RunningServices.names { reads.append(await httpGet(port: services.opsPort(service), path: "/metrics")?.body ?? "") }
        #expect(reads.filter { !$0.isEmpty }.count > world.workspaces.count * 6, "the read sides answered")
        places.append(("HTTP reads", reads.joined(separator: "\n")))

        for place in places {
            let leaked = Self.secrets(secrets, in: Data(place.text.utf8))
            if !leaked.isEmpty { Issue.record("\(leaked.count) secrets in \(place.name), e.g. \(leaked.first!.prefix(12))...") }
            found += leaked.count
        }
        return found
    }

    /// The secrets that occur in `data`. Integration secrets (`<word>-secret-<UUID>`) are found from
    /// each `-secret-` marker, so that thousands of them cost one pass; the few others are searched for.
    static func secrets(_ secrets: Set<String>, in data: Data) -> Set<String> {
        var found: Set<String> = []
        let marker = Data("-secret-".utf8)
        var from = data.startIndex
        while let range = data.range(of: marker, in: from..<data.endIndex) {
            for word in ["vault", "load"] where range.lowerBound - word.utf8.count >= data.startIndex && range.upperBound + 36 <= data.endIndex {
                let candidate = String(decoding: data[(range.lowerBound - word.utf8.count)..<(range.upperBound + 36)], as: UTF8.self)
                if secrets.contains(candidate) { found.insert(candidate) }
            }
            from = range.upperBound
        }
        for secret in secrets where !secret.contains("-secret-") && data.range(of: Data(secret.utf8)) != nil {
            found.insert(secret)
        }
        return found
    }

    /// Every record of a topic - keys, header values and values - as one text.
    static func text(of topic: String, broker: TansuBroker) async throws -> String {
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topic)
        let records = try await reader.readAll()
        await reader.close()
        return records.map { record in
            ([record.key, record.value] + record.headers.map(\.value)).compactMap { $0.map { String(decoding: $0, as: UTF8.self) } }.joined(
                separator: "\n"
            )
        }.joined(separator: "\n")
    }
}

@Suite("Reliability: the leak check itself")
struct LeakCheckTests {
    @Test func findsEverySecretWhereverItIs() {
        let integration = "vault-secret-\(UUID().uuidString)"
        let load = "load-secret-\(UUID().uuidString)"
        let client = "c2VjcmV0LWtleS1zZWNyZXQ"
        let text = Data("{\"token\":\"\(integration)\"} Bearer key_1:\(client) trailing \(load)".utf8)
        #expect(
            LeakCheck.secrets([integration, load, client, "vault-secret-\(UUID().uuidString)", "never-there"], in: text) == [
                integration, load, client,
            ]
        )
        #expect(LeakCheck.secrets([integration], in: Data(integration.dropLast().utf8)).isEmpty, "a cut-off value is no leak")
    }
}
