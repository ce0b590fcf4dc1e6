import Foundation
import Models
import TestSupport
import Testing

/// A command id is its sender's idempotency key and nothing more: another tenant sending the same id,
/// while it is remembered or after it is forgotten, gets a command of its own and nothing of the
/// first sender's, and a command refused for its credential is answered without being remembered.
@Suite("End to end: command ids are per sender", .serialized, .timeLimit(.minutes(10)))
struct CommandIDScopeTests {
    /// Two organizations, each with its owner's key, on one Lifecycle started with `environment`.
    struct Tenants {
        let stack: Stack
        let lifecycle: ChildProcess
        /// Lifecycle's health and metrics.
        let lifecycleOpsPort: Int
        let first: [String: String]
        let second: [String: String]
        let firstWorkspace: String
        let secondWorkspace: String

        static func start(_ deployment: Deployment, environment: [String: String] = [:]) async throws -> Tenants {
            let (lifecycle, port, opsPort) = try await deployment.startReady("lifecycle", environment: environment)
            let stack = Stack(deployment: deployment, lifecyclePort: port, sharingPort: 1)
            var keys: [[String: String]] = []
            var workspaces: [String] = []
            for name in ["Acme", "Globex"] {
                let org = try await stack.accepted(
                    ["org", "create", "--as-operator", "--name", name, "--owner-email", "owner@\(name.lowercased()).example"],
                    as: [:]
                )
                keys.append(try Stack.key(org))
                workspaces.append(try #require(org.created["workspace_id"]))
            }
            return Tenants(
                stack: stack,
                lifecycle: lifecycle,
                lifecycleOpsPort: opsPort,
                first: keys[0],
                second: keys[1],
                firstWorkspace: workspaces[0],
                secondWorkspace: workspaces[1]
            )
        }
    }

    /// `integration create` of a step integration with one parameter and one secret, as `key`, with command id `id`.
    func createIntegration(
        _ tenants: Tenants,
        as key: [String: String],
        id: String,
        name: String = "Alerts",
        channel: String,
        token: String
    ) async throws -> CommandResult? {
        try await tenants.stack.run(
            [
                "integration", "create", "--kind", "step", "--vendor", "slack", "--name", name, "--param", "channel=\(channel)",
                "--secret-env", "token=SLACK_TOKEN", "--command-id", id,
            ],
            as: key.merging(["SLACK_TOKEN": token]) { $1 }
        ).result
    }

    /// What Lifecycle's database holds of an integration: its workspace, parameters and sealed secret (hex).
    func stored(_ integration: String, in deployment: Deployment) async throws -> (workspace: String, parameters: String, sealed: String)? {
        let rows = try await EffectCheck.values(
            "lifecycle",
            """
            SELECT integration.workspace_id, CAST(integration.parameters AS TEXT), hex(integration_secret.sealed)
            FROM integration JOIN integration_secret ON integration_secret.integration_id = integration.id
            WHERE integration.id = '\(integration)'
            """,
            deployment
        )
        guard rows.count == 1 else { return nil }
        let fields = rows[0].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        return fields.count == 3 ? (fields[0], fields[1], fields[2]) : nil
    }

    /// How many inbox rows Lifecycle holds for a command id, whoever sent it.
    func inboxRows(_ id: String, in deployment: Deployment) async throws -> Int {
        try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM inbox WHERE message_id = '\(id)'", deployment)
    }

    /// Tenant B re-sends tenant A's `CreateIntegration` command id once Lifecycle has forgotten it
    /// (a retention of a fraction of a second, `TENANCY_INBOX_RETENTION_DAYS`): A's integration and
    /// its secret stay as they were, and B gets an integration of its own.
    @Test func aForgottenCommandIDCreatesNothingOfAnotherTenant() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        // 0.00002 days: 1.7 s. Housekeeping runs every 2 s.
        let tenants = try await Tenants.start(deployment, environment: ["TENANCY_INBOX_RETENTION_DAYS": "0.00002"])
        defer { tenants.lifecycle.stop(signal: SIGKILL) }

        let id = "create-alerts-\(UUID().uuidString.prefix(8))"
        let original = try #require(try await createIntegration(tenants, as: tenants.first, id: id, channel: "#acme-alerts", token: "acme-token"))
        #expect(original.status == .accepted)
        let victim = try #require(original.created["integration_id"])
        let before = try #require(try await stored(victim, in: deployment))
        #expect(before.workspace == tenants.firstWorkspace && before.parameters.contains("#acme-alerts"))
        try await Wait.until("Lifecycle forgot command id \(id)", timeout: .seconds(30), every: .milliseconds(250)) {
            (try? await inboxRows(id, in: deployment)) == 0
        }

        let attack = try #require(try await createIntegration(tenants, as: tenants.second, id: id, channel: "#globex-loot", token: "globex-token"))
        let after = try #require(try await stored(victim, in: deployment))
        #expect(after.workspace == tenants.firstWorkspace)
        #expect(after.parameters == before.parameters, "A's parameters are unchanged")
        #expect(after.sealed == before.sealed, "A's secret is unchanged")
        if attack.status == .accepted {
            let own = try #require(attack.created["integration_id"])
            #expect(own != victim && attack.replayed == nil)
            let mine = try #require(try await stored(own, in: deployment))
            #expect(mine.workspace == tenants.secondWorkspace && mine.parameters.contains("#globex-loot"))
        } else {
            #expect(attack.error?.code == .alreadyExists)
        }
    }

    /// A command id known to another tenant, or to anyone without a valid credential, gives them no
    /// part of the first sender's result: the other tenant's command is its own, the credential-less
    /// one is refused; the first sender still gets its original result. A refusal for the credential
    /// is answered and leaves no trace in the inbox, so it cannot block the id's owner.
    @Test func aKnownCommandIDFromAnotherSenderIsAnotherCommand() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let tenants = try await Tenants.start(deployment)
        defer { tenants.lifecycle.stop(signal: SIGKILL) }

        let id = "known-\(UUID().uuidString.prefix(8))"
        let original = try #require(try await createIntegration(tenants, as: tenants.first, id: id, channel: "#c", token: "t"))
        let created = try #require(original.created["integration_id"])

        let other = try #require(try await createIntegration(tenants, as: tenants.second, id: id, channel: "#c", token: "t"))
        #expect(other.status == .accepted && other.replayed == nil)
        #expect(other.created["integration_id"] != nil && other.created["integration_id"] != created)
        #expect(try await stored(try #require(other.created["integration_id"]), in: deployment)?.workspace == tenants.secondWorkspace)

        let forged = tenants.first.merging(["TENANCY_CLIENT_SECRET": "not-the-secret"]) { $1 }
        let anonymous = try #require(try await createIntegration(tenants, as: forged, id: id, channel: "#c", token: "t"))
        #expect(anonymous.status == .rejected && anonymous.error?.code == .unauthenticated && anonymous.created.isEmpty)

        let again = try #require(try await createIntegration(tenants, as: tenants.first, id: id, channel: "#c", token: "t"))
        #expect(again.replayed == true && again.created == original.created)

        // Squatting a fresh id without a credential: answered, not remembered; the owner's command then runs.
        let squatted = "squatted-\(UUID().uuidString.prefix(8))"
        let refused = try #require(try await createIntegration(tenants, as: forged, id: squatted, name: "Paging", channel: "#s", token: "t"))
        #expect(refused.error?.code == .unauthenticated)
        #expect(try await inboxRows(squatted, in: deployment) == 0)
        let owner = try #require(try await createIntegration(tenants, as: tenants.first, id: squatted, name: "Paging", channel: "#s", token: "t"))
        #expect(owner.status == .accepted && owner.replayed == nil, "\(owner.error?.description ?? "")")
    }
}
