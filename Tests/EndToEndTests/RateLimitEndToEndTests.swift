import Foundation
import Kafka
import Logging
import Models
import TestSupport
import Testing

/// Issue 19's abuse limits through the `tenancy` CLI against a running Lifecycle and a real broker:
/// a key over its rate is refused `rate_limited` with a retry-after, other tenants are not held back,
/// and the same command goes through once the retry-after has passed; a workspace over its
/// invitations of the day is refused the same way.
@Suite("End to end: rate limits", .serialized, .timeLimit(.minutes(10)))
struct RateLimitEndToEndTests {
    @Test func aKeyOverItsRateIsToldWhenToRetryAndOthersAreNotHeldBack() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        // A token every 30 s, two at once.
        let tenants = try await CommandIDScopeTests.Tenants.start(
            deployment,
            environment: ["TENANCY_RATE_LIMIT_PER_KEY": "0.0333", "TENANCY_RATE_LIMIT_PER_KEY_BURST": "2"]
        )
        defer { tenants.lifecycle.stop(signal: SIGKILL) }
        let stack = tenants.stack

        // Three commands of the first tenant's key sent together, as a script would: two go through.
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "rate-limits")
        )
        defer { producer.close() }
        let results = try ResultWatcher(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let watching = Task { await results.run() }
        defer { results.stop() }
        let clientID = try #require(tenants.first["TENANCY_CLIENT_ID"])
        let credential = Credential.apiKey(clientID: ClientID(rawValue: clientID), secret: try #require(tenants.first["TENANCY_CLIENT_SECRET"]))
        let burst = (0..<3).map { index in
            CommandClient.record(
                IssueAPIKey(scopes: [.workspaceRead]),
                topic: deployment.topics.lifecycleCommands,
                key: tenants.firstWorkspace,
                credential: credential,
                id: "burst-\(index)-\(UUID().uuidString.prefix(8))"
            )
        }
        results.keepValues(of: burst.map(\.id))
        for outcome in await producer.send(burst.map(\.record)) { _ = try outcome.get() }
        let arrivals = try await results.wait(for: burst.map(\.id), timeout: .seconds(60))
        let answers = try burst.map { command in
            try JSONCoding.decode(CommandResult.self, from: try #require(arrivals[command.id]?.value))
        }
        #expect(answers.filter { $0.status == .accepted }.count == 2)
        let refused = try #require(answers.first { $0.status == .rejected })
        let rejection = try #require(refused.error)
        #expect(rejection.code == .rateLimited && rejection.message.contains("key '\(clientID)'"), "\(rejection)")
        let retryAfter = try #require(rejection.retryAfterSeconds)
        #expect(retryAfter > 20 && retryAfter <= 30.1)
        #expect(try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM inbox WHERE message_id = '\(refused.commandID)'", deployment) == 0)

        // What a person sees: the refusal and when to try again.
        let human = try await stack.cli(["key", "issue", "--scope", "workspace.read"], environment: tenants.first)
        #expect(human.status == 1 && human.errors.contains("rate_limited") && human.errors.contains("retry after: "), "\(human.errors)")

        _ = try await stack.accepted(["key", "issue", "--scope", "workspace.read"], as: tenants.second)

        let metrics = try #require(await httpGet(port: tenants.lifecycleOpsPort, path: "/metrics")?.body)
        let refusals = metrics.split(separator: "\n").filter { $0.hasPrefix("tenancy_rate_limited_total{") }
        #expect(
            refusals.sorted() == [#"tenancy_rate_limited_total{limit="key"} 2"#, #"tenancy_rate_limited_total{limit="workspace"} 0"#],
            "\(refusals)"
        )

        // The token the refusal announced is there when it said, whatever was refused since. A client
        // waits as told and sends again; it takes a new command id here, because a delayed copy of
        // the earlier refusal (results are delivered at least once) would answer the old id too.
        // Same-id retries are the pipeline tests' (RateLimitedCommandTests).
        try await Task.sleep(for: .seconds(retryAfter))
        var later = try await stack.run(["key", "issue", "--scope", "workspace.read"], as: tenants.first)
        for _ in 0..<2 {
            guard let wait = later.result?.error?.retryAfterSeconds, later.result?.error?.code == .rateLimited else { break }
            try await Task.sleep(for: .seconds(wait))
            later = try await stack.run(["key", "issue", "--scope", "workspace.read"], as: tenants.first)
        }
        #expect(later.status == 0 && later.result?.status == .accepted && later.result?.created["client_id"] != nil, "\(later.errors)")
        results.stop()
        await watching.value
    }

    @Test func aWorkspaceOverItsInvitationsOfTheDayIsToldWhenToInviteAgain() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let tenants = try await CommandIDScopeTests.Tenants.start(deployment, environment: ["TENANCY_INVITATIONS_PER_WORKSPACE_PER_DAY": "2"])
        defer { tenants.lifecycle.stop(signal: SIGKILL) }
        let stack = tenants.stack

        _ = try await stack.accepted(["user", "invite", "dev@acme.example", "--role", "viewer"], as: tenants.first)
        _ = try await stack.accepted(["user", "invite", "ops@acme.example", "--role", "viewer"], as: tenants.first)
        let (refused, status, _) = try await stack.run(["user", "invite", "qa@acme.example", "--role", "viewer"], as: tenants.first)
        let rejection = try #require(refused?.error)
        #expect(status == 1 && rejection.code == .rateLimited && rejection.message.contains("invitations"), "\(rejection)")
        let retryAfter = try #require(rejection.retryAfterSeconds)
        #expect(retryAfter > 86_000 && retryAfter <= 86_400)
        _ = try await stack.accepted(["user", "invite", "dev@globex.example", "--role", "viewer"], as: tenants.second)
    }
}
