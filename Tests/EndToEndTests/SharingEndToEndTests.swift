import Foundation
import Models
import TestSupport
import Testing

/// The sharing story of the product document through the `tenancy` CLI, against running Lifecycle
/// and Sharing processes and a real broker.
@Suite("End to end: sharing integrations across workspaces", .serialized, .timeLimit(.minutes(10)))
struct SharingEndToEndTests {
    @Test func shareAcceptDenyRevokeRemoveAndFilter() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, lifecyclePort, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        let (sharing, sharingPort, _) = try await deployment.startReady("sharing")
        defer { sharing.stop(signal: SIGKILL) }
        // Invitation tokens arrive by email only.
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(mail.port))
        defer { notifications.process.stop(signal: SIGKILL) }
        let stack = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: sharingPort)
        let operatorKey: [String: String] = [:]

        // Ana owns Home (the source) and Lab (auto-accept); Bea owns Ops, where Ana is only an Admin.
        let org = try await stack.accepted(
            ["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"],
            as: operatorKey
        )
        let organization = try #require(org.created["organization_id"])
        let home = try #require(org.created["workspace_id"])
        let ana = try Stack.key(org)
        _ = try await stack.accepted(
            ["org", "features", organization, "--as-operator", "--enable", "workspace_creation", "--enable", "cross_workspace_sharing"],
            as: operatorKey
        )
        let labCreated = try await stack.accepted(["workspace", "create", "--name", "Lab"], as: ana)
        let lab = try #require(labCreated.created["workspace_id"])
        let anaInLab = try Stack.key(labCreated)
        let opsCreated = try await stack.accepted(["workspace", "create", "--name", "Ops"], as: ana)
        let ops = try #require(opsCreated.created["workspace_id"])
        let anaInOps = try Stack.key(opsCreated)
        let invitation = try await stack.accepted(["user", "invite", "bea@acme.example", "--role", "owner"], as: anaInOps)
        let joined = try await stack.accepted(
            ["user", "accept", try #require(invitation.created["invitation_id"])],
            as: try await Mailbox.acceptEnvironment(invitation, in: mail)
        )
        let bea = try Stack.key(joined)
        _ = try await stack.accepted(["user", "role", try #require(org.created["user_id"]), "admin"], as: bea)

        let slack = try #require(
            try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts"], as: ana).created[
                "integration_id"
            ]
        )
        let vault = try #require(
            try await stack.accepted(
                ["integration", "create", "--kind", "secret", "--vendor", "vault", "--name", "Vault", "--secret-env", "token=VAULT_TOKEN"],
                as: ana.merging(["VAULT_TOKEN": "s.very-secret"]) { $1 }
            ).created["integration_id"]
        )

        // Auto-accepted: Ana owns Lab. The copy is usable there at once, and read-only.
        let auto = try await stack.accepted(["share", "create", slack, "--to", lab], as: ana)
        #expect(auto.created["status"] == "accepted")
        let labCopy = try #require(auto.created["copy_integration_id"])
        let listed = try #require(try await stack.waitForCopy(labCopy, in: lab))
        #expect(listed["name"] as? String == "Alerts" && listed["read_only"] as? Bool == true)
        #expect((listed["shared"] as? [String: Any])?["source_workspace_id"] as? String == home)
        try await stack.rejected(["integration", "update", labCopy, "--name", "Mine"], as: anaInLab, .sharedIntegrationReadOnly)
        try await stack.rejected(["integration", "delete", labCopy], as: anaInLab, .sharedIntegrationReadOnly)

        // Manual: Ana is only an Admin of Ops, so Bea decides.
        let manual = try await stack.accepted(["share", "create", slack, "--to", ops], as: ana)
        #expect(manual.created["status"] == "pending")
        let manualShare = try #require(manual.created["share_id"])
        let pending = try await stack.read(["share", "pending", ops])["share_requests"] as? [[String: Any]]
        #expect(pending?.map { $0["share_id"] as? String } == [manualShare])
        try await stack.rejected(["share", "accept", manualShare], as: anaInOps, .forbidden)
        let decided = try await stack.accepted(["share", "accept", manualShare], as: bea)
        let opsCopy = try #require(decided.created["copy_integration_id"])
        _ = try await stack.waitForCopy(opsCopy, in: ops)
        try await stack.rejected(["share", "accept", manualShare], as: bea, .notPending)

        // The source changes; the copies show it.
        _ = try await stack.accepted(["integration", "update", slack, "--name", "Alerts v2"], as: ana)
        try await Wait.until("copy renamed", timeout: .seconds(20), every: .milliseconds(100)) {
            (try? await stack.integrations(ops).first { $0["integration_id"] as? String == opsCopy }?["name"] as? String) == "Alerts v2"
        }

        // Several destinations in one command, one result each: Ops waits for Bea, Lab is Ana's own.
        let bulk = try await stack.accepted(["share", "create", vault, "--to", ops, "--to", lab], as: ana)
        let items = try #require(bulk.items)
        #expect(items.map { $0.created["status"] } == ["pending", "accepted"])
        let vaultToLab = items[1].created
        let vaultCopy = try #require(vaultToLab["copy_integration_id"])
        _ = try await stack.waitForCopy(vaultCopy, in: lab)

        // Denied, with the reason kept in the history.
        let offered = try #require(items[0].created["share_id"])
        _ = try await stack.accepted(["share", "deny", offered, "--reason", "We keep our own vault"], as: bea)
        let history = try await stack.read(["share", "show", offered])
        #expect(history["status"] as? String == "denied")
        let steps = history["history"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["status"] as? String } == ["pending", "denied"] && steps.last?["reason"] as? String == "We keep our own vault")

        // Filters: shared from Home, shared to Ops, by kind and status.
        let fromHome = try await stack.read(["share", "list", home, "--direction", "from"])["shares"] as? [[String: Any]] ?? []
        #expect(fromHome.count == 4)
        let acceptedSecrets =
            try await stack.read(["share", "list", home, "--direction", "from", "--kind", "secret", "--status", "accepted"])["shares"]
            as? [[String: Any]] ?? []
        #expect(acceptedSecrets.map { $0["destination_workspace_id"] as? String } == [lab])
        let toOps = try await stack.read(["share", "list", ops, "--direction", "to", "--status", "accepted"])["shares"] as? [[String: Any]] ?? []
        #expect(toOps.map { $0["share_id"] as? String } == [manualShare])
        #expect(try await stack.integrations(home, shared: "from").map { $0["integration_id"] as? String } == [vault, slack])
        #expect(try await stack.integrations(home, shared: "none").isEmpty)
        #expect(try await stack.integrations(lab, shared: "to").count == 2)
        #expect(try await stack.integrations(ops, shared: "to").map { $0["integration_id"] as? String } == [opsCopy])
        let destinations = try await stack.read(["share", "destinations", slack])["destinations"] as? [[String: Any]] ?? []
        #expect(Set(destinations.compactMap { $0["destination_workspace_id"] as? String }) == [lab, ops])
        try await PagedReads.expectBounded(
            port: sharingPort,
            service: "sharing",
            ["/workspaces/\(home)/shares?direction=from&status=accepted", "/workspaces/\(ops)/share-requests", "/integrations/\(slack)/destinations"]
        )
        try await PagedReads.expectCursorTied(
            port: sharingPort,
            service: "sharing",
            from: "/workspaces/\(home)/shares?direction=from",
            to: "/workspaces/\(home)/shares"
        )

        // Revoked by the source (Lab only), removed by the destination (Ops).
        let revoked = try await stack.accepted(["share", "revoke", slack, "--destination", lab], as: ana)
        #expect(revoked.items?.map { $0.created["status"] } == ["revoked"])
        _ = try await stack.waitForCopy(labCopy, in: lab, present: false)
        _ = try await stack.accepted(["share", "remove", opsCopy], as: bea)
        _ = try await stack.waitForCopy(opsCopy, in: ops, present: false)
        #expect(try await stack.read(["share", "show", manualShare])["status"] as? String == "removed")
        #expect(try await stack.integrations(home, shared: "from").map { $0["integration_id"] as? String } == [vault])

        // Deleting a source integration revokes its shares; the copy goes with it.
        _ = try await stack.accepted(["integration", "delete", vault], as: ana)
        _ = try await stack.waitForCopy(vaultCopy, in: lab, present: false)
        var ended: [String: Any] = [:]
        try await Wait.until("share revoked by the deletion", timeout: .seconds(20), every: .milliseconds(200)) {
            ended = (try? await stack.read(["share", "show", try #require(vaultToLab["share_id"])])) ?? [:]
            return ended["status"] as? String == "revoked"
        }
        #expect((ended["history"] as? [[String: Any]])?.last?["cause"] as? String == "source_integration_deleted")

        // Refusals: a non-Owner, a key without resource.share, a destination Ana is not in, the feature off.
        try await stack.rejected(["share", "create", slack, "--to", home], as: anaInOps, .forbidden)
        let narrowKey = try Stack.key(
            try await stack.accepted(["key", "issue", "--scope", "workspace.read", "--scope", "integrations.write"], as: ana)
        )
        try await stack.rejected(["share", "create", slack, "--to", ops], as: narrowKey, .forbidden, justIssuedKey: true)
        let beasOwn = try #require(try await stack.accepted(["workspace", "create", "--name", "Bea's lab"], as: bea).created["workspace_id"])
        try await stack.rejected(["share", "create", slack, "--to", beasOwn], as: ana, .notAMember)
        _ = try await stack.accepted(["org", "features", organization, "--as-operator", "--disable", "cross_workspace_sharing"], as: operatorKey)
        try await Wait.until("Sharing sees the feature off", timeout: .seconds(20), every: .milliseconds(200)) {
            (try? await stack.run(["share", "create", slack, "--to", ops], as: ana).result?.error?.code) == .featureDisabled
        }

        // The events can be followed: the first three of Home's sharing events, as JSON lines.
        let tail = try await stack.cli([
            "events", "tail", "--topic", "sharing", "--workspace", home, "--from-beginning", "--max-events", "3", "--json",
        ])
        let lines = tail.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(tail.status == 0 && lines.count == 3, "\(tail.errors)")
        #expect(lines.allSatisfy { $0["topic"] as? String == deployment.topics.sharingEvents })
        #expect((lines.first?["headers"] as? [String: String])?["ce_type"] == ShareRequested.messageType.rawValue)

        // The secret value never reached Sharing's state, its topic or a read.
        let sharingEvents = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.sharingEvents)
        let published = try await sharingEvents.drain(for: .seconds(2))
        await sharingEvents.close()
        #expect(!published.isEmpty && !published.contains { String(decoding: $0.value ?? Data(), as: UTF8.self).contains("s.very-secret") })
        let database = try String(contentsOfFile: deployment.database("sharing"), encoding: .isoLatin1)
        #expect(!database.contains("s.very-secret"))
    }
}
