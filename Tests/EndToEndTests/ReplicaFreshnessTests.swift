import Foundation
import Kafka
import Models
import TestSupport
import Testing

/// Issue 19, item 7: Sharing checks keys against its replica of Lifecycle's events, and refuses
/// commands as `unavailable` while it may be further behind on them than its limit; once current
/// it takes them again, and a key revoked meanwhile is refused.
@Suite("End to end: revocation is bounded at Sharing", .serialized, .timeLimit(.minutes(10)))
struct ReplicaFreshnessTests {
    /// The results published for `id` so far, read from the results topic's beginning.
    func results(for ids: Set<String>, deployment: Deployment, broker: TansuBroker) async throws -> [String: [CommandResult]] {
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        var found: [String: [CommandResult]] = [:]
        _ = try await reader.read(timeout: .seconds(60)) { messages in
            found = Dictionary(grouping: messages.compactMap(\.commandResult).filter { ids.contains($0.commandID) }, by: \.commandID)
            return found.count == ids.count
        }
        await reader.close()
        return found
    }

    @Test func aSharingBehindOnLifecycleRefusesAsUnavailableThenTakesCommandsAndRefusesTheKeyRevokedMeanwhile() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, lifecyclePort, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        // Short, to keep the test short, with room for a slow watermark answer on a busy machine.
        let limit = ["TENANCY_MAX_REPLICA_LAG_SECONDS": "3"]
        let firstStart = ContinuousClock.now
        let (sharing, sharingPort, sharingOpsPort) = try await deployment.startReady("sharing", environment: limit)
        defer { sharing.stop(signal: SIGKILL) }
        print("replica freshness: a fresh Sharing was ready \(ContinuousClock.now - firstStart) after it started")
        let health = try #require(await httpGet(port: sharingOpsPort, path: "/health/ready"))
        #expect(health.status == 200 && health.body.contains(#""replica_current":true"#) && health.body.contains(#""replica_max_lag_seconds":3"#))

        let stack = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: sharingPort)
        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let organization = try #require(org.created["organization_id"])
        let ana = try Stack.key(org)
        _ = try await stack.accepted(
            ["org", "features", organization, "--as-operator", "--enable", "workspace_creation", "--enable", "cross_workspace_sharing"],
            as: [:]
        )
        let lab = try #require(try await stack.accepted(["workspace", "create", "--name", "Lab"], as: ana).created["workspace_id"])
        let createIntegration = { (name: String) in
            try #require(
                try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", name], as: ana).created[
                    "integration_id"
                ]
            )
        }
        let alerts = try await createIntegration("Alerts")
        let spareIssued = try await stack.accepted(["key", "issue"], as: ana)
        let spare = try Stack.key(spareIssued)
        // Current: Sharing knows both keys and takes their commands.
        _ = try await stack.accepted(["share", "create", alerts, "--to", lab], as: ana, justIssuedKey: true)
        try await stack.rejected(["share", "create", "int_missing", "--to", lab], as: spare, .notFound, justIssuedKey: true)

        // Sharing stops. Lifecycle goes on: the spare key is revoked and another integration created.
        #expect(await sharing.stopped(by: SIGTERM) != nil)
        _ = try await stack.accepted(["key", "revoke", try #require(spare["TENANCY_CLIENT_ID"])], as: ana)
        let reports = try await createIntegration("Reports")
        // Commands wait for Sharing, sent after the revocation, once what Sharing must read is older than its limit.
        try await Task.sleep(for: .seconds(4.5))
        let suffix = UUID().uuidString.prefix(8)
        let (byAna, bySpare) = ("share-reports-\(suffix)", "share-by-spare-\(suffix)")
        for (id, key) in [(byAna, ana), (bySpare, spare)] {
            let sent = try await stack.cli(["share", "create", reports, "--to", lab, "--no-wait", "--command-id", id], environment: key)
            #expect(sent.status == 0, "\(sent.errors)")
        }

        // Restarted on its database: the commands that waited are read before it is current again.
        let restart = ContinuousClock.now
        let (restartPort, restartOpsPort) = (try FreePort.next(), try FreePort.next())
        let restarted = try deployment.start("sharing", httpPort: restartPort, opsPort: restartOpsPort, environment: limit)
        defer { restarted.stop(signal: SIGKILL) }
        let waited = try await results(for: [byAna, bySpare], deployment: deployment, broker: broker)
        let anaFirst = try #require(waited[byAna]?.first)
        #expect(anaFirst.status == .rejected && anaFirst.error?.code == .unavailable, "\(anaFirst.error?.description ?? "accepted")")
        #expect(anaFirst.error?.retryAfterSeconds == 3)
        #expect(anaFirst.error?.message.contains("Lifecycle's events") == true)
        // The revoked key is refused either way: as revoked once the revocation is applied, or as unavailable before.
        let spareFirst = try #require(waited[bySpare]?.first)
        #expect(spareFirst.status == .rejected && [.unavailable, .unauthenticated].contains(spareFirst.error?.code))

        try await waitUntilReady(opsPort: restartOpsPort)
        print("replica freshness: a restarted Sharing was ready \(ContinuousClock.now - restart) after it started")
        let current = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: restartPort)
        let ready = try #require(await httpGet(port: restartOpsPort, path: "/health/ready"))
        #expect(ready.body.contains(#""replica_current":true"#))
        // A refusal was not recorded: the same command id, sent again, is decided now. (A rebalance
        // right after readiness makes the service catch up again: a client retries `unavailable`.)
        let again = try await Self.retryingUnavailable {
            try await current.run(["share", "create", reports, "--to", lab, "--command-id", byAna], as: ana)
        }
        #expect(again?.status == .accepted && again?.created["status"] == "accepted", "\(String(describing: again))")
        let refused = try await Self.retryingUnavailable {
            try await current.run(["share", "create", reports, "--to", lab, "--command-id", bySpare], as: spare)
        }
        #expect(refused?.error?.code == .unauthenticated, "\(String(describing: refused))")
        let metrics = try #require(await httpGet(port: restartOpsPort, path: "/metrics")?.body)
        let refusals = metrics.split(separator: "\n").first { $0.hasPrefix("tenancy_replica_lag_refusals_total") }
        #expect(refusals.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 >= 1 } == true, "\(refusals ?? "no refusal counter")")
        #expect(metrics.contains("tenancy_replica_lag_seconds"))
    }

    /// The result of `send`, sent again while it is refused `unavailable` (at most 10 times, after the
    /// wait it names), as a client does.
    static func retryingUnavailable(
        _ send: () async throws -> (result: CommandResult?, status: Int32, errors: String)
    ) async throws -> CommandResult? {
        var result = try await send().result
        for _ in 0..<10 where result?.error?.code == .unavailable {
            try await Task.sleep(for: .seconds(result?.error?.retryAfterSeconds ?? 1))
            result = try await send().result
        }
        return result
    }
}
