import Foundation
import Kafka
import Models
import TestSupport
import Testing

/// Issue 19, item 7: Sharing checks keys against its replica of Lifecycle's events. A Sharing
/// restarted behind them takes no command before its replica has caught up (it joins its group only
/// then), so a key revoked while it was down is refused as revoked, and no command waits for it in
/// vain. (Past that, commands are refused `unavailable` while the replica may be further behind than
/// its limit: the gate's rules are tested in `ReplicaLagTests`.)
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

    @Test func aSharingRestartedBehindOnLifecycleDecidesWaitingCommandsOnlyOnceCurrentAndRefusesTheKeyRevokedMeanwhile() async throws {
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

        // Restarted on its database: it joins its group, and reads the commands that waited, only
        // once its replica has caught up, so they are decided against current keys: Ana's is
        // accepted, the revoked key's refused as such, and neither is refused for the lag.
        let restart = ContinuousClock.now
        let (restartPort, restartOpsPort) = (try FreePort.next(), try FreePort.next())
        let restarted = try deployment.start("sharing", httpPort: restartPort, opsPort: restartOpsPort, environment: limit)
        defer { restarted.stop(signal: SIGKILL) }
        let waited = try await results(for: [byAna, bySpare], deployment: deployment, broker: broker)
        let anaFirst = try #require(waited[byAna]?.first)
        #expect(anaFirst.status == .accepted && anaFirst.created["status"] == "accepted", "\(anaFirst.error?.description ?? "accepted")")
        let spareFirst = try #require(waited[bySpare]?.first)
        #expect(spareFirst.error?.code == .unauthenticated, "\(spareFirst.error?.description ?? "accepted")")
        #expect(
            restarted.log.contains("replicas caught up") && restarted.log.contains("waiting for the replicas to catch up before joining the group")
        )

        try await waitUntilReady(opsPort: restartOpsPort)
        print("replica freshness: a restarted Sharing was ready \(ContinuousClock.now - restart) after it started")
        let ready = try #require(await httpGet(port: restartOpsPort, path: "/health/ready"))
        #expect(ready.body.contains(#""replicas_caught_up":true"#) && ready.body.contains(#""replica_current":true"#))
        // The same command id sent again gets the answer it had: the same share, not another.
        let current = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: restartPort)
        let again = try await current.run(["share", "create", reports, "--to", lab, "--command-id", byAna], as: ana)
        #expect(again.result?.status == .accepted && again.result?.created == anaFirst.created, "\(String(describing: again.result))")
        let metrics = try #require(await httpGet(port: restartOpsPort, path: "/metrics")?.body)
        let refusals = metrics.split(separator: "\n").first { $0.hasPrefix("tenancy_replica_lag_refusals_total") }
        #expect(refusals.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0 == 0, "\(refusals ?? "no refusal counter")")
        #expect(metrics.contains("tenancy_replica_lag_seconds"))
    }
}
