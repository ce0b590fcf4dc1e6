import Foundation
import Models
import TestSupport
import Testing

/// Deactivating and reactivating a workspace through the `tenancy` CLI, against running Lifecycle,
/// Sharing and Deactivation processes and a real broker; and a saga that waits for a stopped service.
@Suite("End to end: deactivation and reactivation", .serialized, .timeLimit(.minutes(10)))
struct DeactivationEndToEndTests {
    @Test func deactivateThenReactivateAndWaitForAStoppedService() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, lifecyclePort, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        var (sharing, sharingPort, _) = try await deployment.startReady("sharing")
        defer { sharing.stop(signal: SIGKILL) }
        let (deactivation, deactivationPort, _) = try await deployment.startReady(
            "deactivation",
            environment: ["TENANCY_STEP_TIMEOUT_SECONDS": "4", "TENANCY_STEP_ATTEMPTS": "10"]
        )
        defer { deactivation.stop(signal: SIGKILL) }
        var stack = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: sharingPort, deactivationPort: deactivationPort)
        let asOperator = ["--as-operator"]

        // Ana owns Home and Prod. Prod has a workflow with a running execution, an OAuth integration,
        // two keys, and a share in each direction with Home.
        let org = try await stack.accepted(["org", "create", "--name", "Acme", "--owner-email", "ana@acme.example"] + asOperator, as: [:])
        let organization = try #require(org.created["organization_id"])
        let home = try #require(org.created["workspace_id"])
        let ana = try #require(org.created["user_id"])
        let anaHome = try Stack.key(org)
        _ = try await stack.accepted(
            [
                "org", "features", organization, "--enable", "workspace_creation", "--enable", "cross_workspace_sharing",
                "--enable", "workspace_deactivation",
            ] + asOperator,
            as: [:]
        )
        let created = try await stack.accepted(["workspace", "create", "--name", "Prod"], as: anaHome)
        let prod = try #require(created.created["workspace_id"])
        let anaProd = try Stack.key(created)
        let yaml = deployment.directory.appendingPathComponent("triage.yaml")
        try "name: triage\nsteps:\n  - run: page\n".write(to: yaml, atomically: true, encoding: .utf8)
        let workflow = try #require(
            try await stack.accepted(["workflow", "import", yaml.path, "--name", "Triage"], as: anaProd).created["workflow_id"]
        )
        _ = try await stack.accepted(["workflow", "publish", workflow], as: anaProd)
        let execution = try #require(try await stack.accepted(["workflow", "run", workflow], as: anaProd).created["execution_id"])
        let okta = try #require(
            try await stack.accepted(["integration", "create", "--kind", "trigger", "--vendor", "okta", "--name", "Okta", "--oauth"], as: anaProd)
                .created["integration_id"]
        )
        let spareKey = try Stack.key(try await stack.accepted(["key", "issue", "--scope", "workspace.read"], as: anaProd))
        let slack = try #require(
            try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts"], as: anaProd).created[
                "integration_id"
            ]
        )
        let outgoing = try await stack.accepted(["share", "create", slack, "--to", home], as: anaProd)
        let vault = try #require(
            try await stack.accepted(
                ["integration", "create", "--kind", "secret", "--vendor", "vault", "--name", "Vault", "--secret-env", "token=T"],
                as: anaHome.merging(["T": "v-secret"]) { $1 }
            ).created["integration_id"]
        )
        let incoming = try await stack.accepted(["share", "create", vault, "--to", prod], as: anaHome)
        _ = try await stack.waitForCopy(try #require(outgoing.created["copy_integration_id"]), in: home)
        _ = try await stack.waitForCopy(try #require(incoming.created["copy_integration_id"]), in: prod)

        // The plan lists exactly what would be affected, and changes nothing.
        let plan = try await stack.read(["workspace", "deactivate", prod, "--dry-run", "--json"])
        func ids(_ section: String, _ key: String) -> [String] { (plan[section] as? [[String: Any]])?.compactMap { $0[key] as? String } ?? [] }
        #expect(ids("workflows_to_disable", "workflow_id") == [workflow] && ids("executions_to_stop", "execution_id") == [execution])
        #expect(ids("oauth_integrations_to_stop", "integration_id") == [okta] && ids("api_keys_to_revoke", "client_id").count == 2)
        #expect(
            ids("outgoing_shares_to_revoke", "share_id") == [outgoing.created["share_id"]]
                && ids("incoming_shares_to_revoke", "share_id") == [incoming.created["share_id"]]
        )
        #expect(plan["other_workspaces_affected"] as? [String] == [home])
        #expect(try await stack.read(["workspace", "show", prod])["status"] as? String == "active")

        // Deactivate: at once the keys are refused and the shares are gone on both sides. Ana owns
        // Prod, yet her key of Home deactivates Home only.
        try await stack.rejected(["workspace", "deactivate", prod], as: spareKey, .forbidden)
        try await stack.rejected(["workspace", "deactivate", prod], as: anaHome, .forbidden)
        let deactivating = try await stack.accepted(["workspace", "deactivate", prod], as: anaProd)
        let operation = try #require(deactivating.created["operation_id"])
        try await Wait.until("Prod's keys refused", timeout: .seconds(20), every: .milliseconds(100)) {
            (try? await stack.run(["integration", "create", "--kind", "step", "--vendor", "x", "--name", "Late"], as: anaProd).result?.error?.code)
                == .unauthenticated
        }
        _ = try await stack.waitForCopy(try #require(outgoing.created["copy_integration_id"]), in: home, present: false)
        _ = try await stack.waitForCopy(try #require(incoming.created["copy_integration_id"]), in: prod, present: false)
        try await stack.rejected(["share", "create", vault, "--to", prod], as: anaHome, .workspaceInactive)
        let done = try await waitForStatus(stack, operation: operation, "deactivated")
        #expect((done["steps"] as? [[String: Any]])?.map { $0["status"] as? String } == ["confirmed", "confirmed"])
        #expect(try await stack.read(["workspace", "status", prod])["status"] as? String == "inactive")

        // Reactivate: data back, triggers off, OAuth to reconfigure, old keys still refused, a new key works.
        try await stack.rejected(["workspace", "reactivate", home] + asOperator, as: [:], .failedPrecondition)
        let reactivating = try await stack.accepted(["workspace", "reactivate", prod] + asOperator, as: [:])
        let before = reactivating.items?.map(\.created) ?? []
        #expect(before.contains { $0["kind"] == "workflow" && $0["workflow_id"] == workflow && $0["triggers_enabled_before"] == "true" })
        #expect(
            Set(before.filter { $0["kind"] == "share" }.compactMap { $0["share_id"] }) == [
                outgoing.created["share_id"]!, incoming.created["share_id"]!,
            ]
        )
        _ = try await waitForStatus(stack, operation: try #require(reactivating.created["operation_id"]), "reactivated")
        let workflows = try await stack.read(["workflow", "list", prod])["workflows"] as? [[String: Any]] ?? []
        #expect(workflows.first?["enabled"] as? Bool == true && workflows.first?["triggers_enabled"] as? Bool == false)
        #expect(
            try await stack.integrations(prod).first { $0["integration_id"] as? String == okta }?["refresh_state"] as? String
                == "needs_reconfiguration"
        )
        let executions = try await stack.read(["workflow", "executions", prod])["executions"] as? [[String: Any]] ?? []
        #expect(executions.map { $0["status"] as? String } == ["stopped"])
        try await PagedReads.expectBounded(port: deactivationPort, service: "deactivation", ["/workspaces/\(prod)/operations"])
        try await PagedReads.expectCursorTied(
            port: deactivationPort,
            service: "deactivation",
            from: "/workspaces/\(prod)/operations",
            to: "/workspaces/\(home)/operations"
        )
        try await stack.rejected(["integration", "create", "--kind", "step", "--vendor", "x", "--name", "Late"], as: anaProd, .unauthenticated)
        let fresh = try Stack.key(try await stack.accepted(["key", "issue-owner", prod, ana] + asOperator, as: [:]))
        _ = try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "x", "--name", "Fresh"], as: fresh)

        // A service that is down: the saga waits for its step, and completes once it is back.
        await sharing.stopped(by: SIGKILL)
        let waiting = try await stack.accepted(["workspace", "deactivate", prod], as: fresh, justIssuedKey: true)
        let waitingOperation = try #require(waiting.created["operation_id"])
        var seen: [String: Any] = [:]
        try await Wait.until("lifecycle confirmed, sharing waiting", timeout: .seconds(30), every: .milliseconds(250)) {
            seen = (try? await stack.read(["workspace", "operation", waitingOperation])) ?? [:]
            let steps = (seen["steps"] as? [[String: Any]])?.map { "\($0["step"] ?? ""):\($0["status"] ?? "")" }
            return steps == ["lifecycle:confirmed", "sharing:waiting"]
        }
        #expect(seen["status"] as? String == "deactivating")
        (sharing, sharingPort, _) = try await deployment.startReady("sharing")
        stack.sharingPort = sharingPort
        _ = try await waitForStatus(stack, operation: waitingOperation, "deactivated")
    }

    /// Polls the operation until it reaches `status`; returns it.
    private func waitForStatus(_ stack: Stack, operation: String, _ status: String) async throws -> [String: Any] {
        var view: [String: Any] = [:]
        try await Wait.until("operation \(operation) \(status)", timeout: .seconds(60), every: .milliseconds(250)) {
            view = (try? await stack.read(["workspace", "operation", operation])) ?? [:]
            return view["status"] as? String == status
        }
        return view
    }
}
