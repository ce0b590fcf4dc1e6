import Foundation
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
        // A token every 10 s, two at once.
        let tenants = try await CommandIDScopeTests.Tenants.start(
            deployment,
            environment: ["TENANCY_RATE_LIMIT_PER_KEY": "0.1", "TENANCY_RATE_LIMIT_PER_KEY_BURST": "2"]
        )
        defer { tenants.lifecycle.stop(signal: SIGKILL) }
        let stack = tenants.stack
        let issue = ["key", "issue", "--scope", "workspace.read"]

        _ = try await stack.accepted(issue, as: tenants.first)
        _ = try await stack.accepted(issue, as: tenants.first)
        let id = "limited-\(UUID().uuidString.prefix(8))"
        let (refused, status, _) = try await stack.run(issue + ["--command-id", id], as: tenants.first)
        let rejection = try #require(refused?.error, "a result for the third command")
        #expect(status == 1 && rejection.code == .rateLimited && rejection.message.contains("key"), "\(rejection)")
        let retryAfter = try #require(rejection.retryAfterSeconds)
        #expect(retryAfter > 0 && retryAfter <= 10)
        #expect(try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM inbox WHERE message_id = '\(id)'", deployment) == 0)

        // What a person sees: the refusal and when to try again.
        let human = try await stack.cli(issue, environment: tenants.first)
        #expect(human.status == 1 && human.errors.contains("rate_limited") && human.errors.contains("retry after: "), "\(human.errors)")

        _ = try await stack.accepted(issue, as: tenants.second)

        let metrics = try #require(await httpGet(port: stack.lifecyclePort, path: "/metrics")?.body)
        let refusals = metrics.split(separator: "\n").filter { $0.hasPrefix("tenancy_rate_limited_total{") }
        #expect(
            refusals.sorted() == [#"tenancy_rate_limited_total{limit="key"} 2"#, #"tenancy_rate_limited_total{limit="workspace"} 0"#],
            "\(refusals)"
        )

        // The token the first refusal announced is there when it said, whatever was refused since.
        try await Task.sleep(for: .seconds(retryAfter))
        let later = try await stack.accepted(issue + ["--command-id", id], as: tenants.first)
        #expect(later.replayed == nil && later.created["client_id"] != nil)
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
