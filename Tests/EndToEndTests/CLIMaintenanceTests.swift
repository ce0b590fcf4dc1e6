import Foundation
import Models
import TestSupport
import Testing

/// The CLI subcommands for day-to-day upkeep that the other stories do not use: SSO copy and
/// claim-mapping removal, key and invitation revocation, member removal, runner deletion, workflow
/// switches, executions and revisions, and one notification in full.
@Suite("End to end: CLI upkeep commands", .serialized, .timeLimit(.minutes(10)))
struct CLIMaintenanceTests {
    @Test func upkeepCommandsDoWhatTheySay() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let lifecycle = try await deployment.startReady("lifecycle")
        defer { lifecycle.process.stop(signal: SIGKILL) }
        // Invitation tokens arrive by email only.
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(mail.port))
        defer { notifications.process.stop(signal: SIGKILL) }
        let stack = Stack(deployment: deployment, lifecyclePort: lifecycle.port, sharingPort: 0, notificationsPort: notifications.port)

        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let home = try #require(org.created["workspace_id"])
        let ana = try Stack.key(org)
        _ = try await stack.accepted(
            ["org", "features", try #require(org.created["organization_id"]), "--as-operator", "--enable", "workspace_creation"],
            as: [:]
        )

        // SSO: configure, map and unmap a claim, copy the settings into another workspace.
        let certificate = deployment.directory.appendingPathComponent("idp.pem").path
        let made = try await runToCompletion(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", deployment.directory.appendingPathComponent("idp.key").path, "-out", certificate, "-days", "2", "-subj", "/CN=idp",
            ]
        )
        #expect(made.status == 0, "\(made.errors)")
        _ = try await stack.accepted(
            ["sso", "configure", "--entity-id", "urn:acme:idp", "--sso-url", "https://idp.acme.example/sso", "--certificate-file", certificate],
            as: ana
        )
        let mapping = try #require(
            try await stack.accepted(["sso", "map-claim", "--claim", "groups", "--value", "soc", "--role", "operator"], as: ana).created["mapping_id"]
        )
        #expect((try await stack.read(["sso", "mappings", home])["claim_mappings"] as? [[String: Any]])?.count == 1)
        _ = try await stack.accepted(["sso", "unmap", mapping], as: ana)
        #expect((try await stack.read(["sso", "mappings", home])["claim_mappings"] as? [[String: Any]])?.isEmpty == true)
        let staging = try await stack.accepted(["workspace", "create", "--name", "Staging"], as: ana)
        _ = try await stack.accepted(["sso", "copy", home], as: try Stack.key(staging))
        #expect(try await stack.read(["sso", "show", try #require(staging.created["workspace_id"])])["entity_id"] as? String == "urn:acme:idp")

        // A revoked key stops working; a revoked invitation cannot be accepted; a removed member is gone.
        let spare = try Stack.key(try await stack.accepted(["key", "issue", "--scope", "workspace.read"], as: ana))
        _ = try await stack.accepted(["key", "revoke", try #require(spare["TENANCY_CLIENT_ID"])], as: ana)
        try await stack.rejected(["key", "issue"], as: spare, .unauthenticated)
        let withdrawn = try await stack.accepted(["user", "invite", "late@acme.example", "--role", "viewer"], as: ana)
        _ = try await stack.accepted(["user", "revoke-invitation", try #require(withdrawn.created["invitation_id"])], as: ana)
        try await stack.rejected(
            ["user", "accept", try #require(withdrawn.created["invitation_id"])],
            as: try await Mailbox.acceptEnvironment(withdrawn, in: mail),
            .notPending
        )
        let invited = try await stack.accepted(["user", "invite", "dev@acme.example", "--role", "operator"], as: ana)
        let devToken = try await Mailbox.invitationToken(try #require(invited.created["invitation_id"]), in: mail)
        let dev = try await stack.accepted(
            ["user", "accept", try #require(invited.created["invitation_id"])],
            as: ["TENANCY_INVITATION_TOKEN": devToken]
        )
        _ = try await stack.accepted(["user", "remove", try #require(dev.created["user_id"])], as: ana)
        let members = try await stack.read(["workspace", "show", home])["members"] as? [[String: Any]] ?? []
        #expect(members.map { $0["email"] as? String } == ["ana@acme.example"])

        // A runner deleted; a workflow disabled, enabled without triggers, run, finished; its revision read back.
        let runner = try #require(try await stack.accepted(["runner", "create", "edge-1", "--platform", "linux"], as: ana).created["runner_id"])
        _ = try await stack.accepted(["runner", "delete", runner], as: ana)
        #expect((try await stack.read(["runner", "list", home])["step_runners"] as? [[String: Any]])?.isEmpty == true)
        let yaml = deployment.directory.appendingPathComponent("triage.yaml")
        try "name: triage\nsteps:\n  - run: page\n".write(to: yaml, atomically: true, encoding: .utf8)
        let imported = try await stack.accepted(["workflow", "import", yaml.path, "--name", "Triage"], as: ana)
        let workflow = try #require(imported.created["workflow_id"])
        _ = try await stack.accepted(["workflow", "disable", workflow], as: ana)
        #expect(try await stack.read(["workflow", "show", workflow])["enabled"] as? Bool == false)
        _ = try await stack.accepted(["workflow", "enable", workflow, "--keep-triggers-disabled"], as: ana)
        let switches = try await stack.read(["workflow", "show", workflow])
        #expect(switches["enabled"] as? Bool == true && switches["triggers_enabled"] as? Bool == false)
        _ = try await stack.accepted(["workflow", "publish", workflow], as: ana)
        let execution = try #require(try await stack.accepted(["workflow", "run", workflow], as: ana).created["execution_id"])
        _ = try await stack.accepted(["workflow", "finish", execution, "succeeded"], as: ana)
        #expect(
            (try await stack.read(["workflow", "executions", home])["executions"] as? [[String: Any]])?.map { $0["status"] as? String } == [
                "succeeded"
            ]
        )
        let revision = try await stack.cli(["workflow", "revision", try #require(imported.created["revision_id"])])
        #expect(revision.status == 0 && revision.output.contains("run: page"), "\(revision.errors)")

        // One notification in full: the invitation email, as sent, with a placeholder where the token went.
        var listed: [[String: Any]] = []
        try await Wait.until("invitation notifications recorded", timeout: .seconds(20), every: .milliseconds(200)) {
            listed =
                (try? await stack.read(["notifications", "list", home, "--recipient", "dev@acme.example"]))?["notifications"] as? [[String: Any]]
                ?? []
            return !listed.isEmpty
        }
        let shown = try await stack.read(["notifications", "show", try #require(listed.first?["notification_id"] as? String)])
        #expect(shown["status"] as? String == "sent" && (shown["subject"] as? String)?.contains("invited to Acme") == true)
        #expect(
            (shown["text"] as? String)?.contains("tenancy user accept") == true && (shown["html"] as? String)?.contains("<!DOCTYPE html>") == true
        )
        for body in [shown["text"], shown["html"]] {
            let body = body as? String ?? ""
            #expect(!body.contains(devToken) && body.contains("[token-only-in-the-email-to-the-invitee]"), "the read side never shows a token")
        }
    }
}
