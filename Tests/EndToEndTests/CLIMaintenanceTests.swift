import Foundation
import Models
import TestSupport
import Testing

/// The CLI subcommands for day-to-day upkeep that the other stories do not use: SSO copy and
/// claim-mapping removal, key and invitation revocation, member removal, runner deletion, workflow
/// switches, executions and revisions, one notification in full, and lists read a page at a time.
@Suite("End to end: CLI upkeep commands", .serialized, .timeLimit(.minutes(10)))
struct CLIMaintenanceTests {
    @Test func upkeepCommandsDoWhatTheySay() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        // Pages of two items, so that every list the CLI reads here takes several pages.
        let lifecycle = try await deployment.startReady("lifecycle", environment: ["TENANCY_DEFAULT_PAGE_SIZE": "2"])
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

        // Lists, a page at a time: the CLI reads every page (as one answer), or one with --limit and --cursor.
        for name in ["edge-c", "edge-a", "edge-b"] { _ = try await stack.accepted(["runner", "create", name, "--platform", "linux"], as: ana) }
        let everyPage = try await stack.read(["runner", "list", home])
        #expect((everyPage["step_runners"] as? [[String: Any]])?.map { $0["name"] as? String } == ["edge-a", "edge-b", "edge-c"])
        #expect(everyPage["next_cursor"] is NSNull)
        let firstPage = try await stack.read(["runner", "list", home, "--limit", "2"])
        #expect((firstPage["step_runners"] as? [[String: Any]])?.map { $0["name"] as? String } == ["edge-a", "edge-b"])
        let cursor = try #require(firstPage["next_cursor"] as? String)
        let lastPage = try await stack.read(["runner", "list", home, "--limit", "2", "--cursor", cursor])
        #expect((lastPage["step_runners"] as? [[String: Any]])?.map { $0["name"] as? String } == ["edge-c"] && lastPage["next_cursor"] is NSNull)
        let table = try await stack.cli(["runner", "list", home, "--as-operator"])
        #expect(table.status == 0 && table.output.contains("(3 step runners)") && !table.output.contains("next"), "\(table.output)")
        let pageTable = try await stack.cli(["runner", "list", home, "--limit", "2", "--as-operator"])
        #expect(pageTable.output.contains("(2 step runners)") && pageTable.output.contains("next page: --cursor \(cursor)"), "\(pageTable.output)")
        let tooLong = try await stack.cli(["runner", "list", home, "--limit", "501", "--as-operator"])
        #expect(tooLong.status != 0 && tooLong.output.contains(#""field":"limit""#), "\(tooLong.output) \(tooLong.errors)")
        let stagingID = try #require(staging.created["workspace_id"])
        try await PagedReads.expectBounded(
            port: lifecycle.port,
            service: "lifecycle",
            [
                "/workspaces/\(home)/workflows?name=tri", "/workspaces/\(home)/executions?status=running", "/workspaces/\(home)/invitations",
                "/workspaces/\(home)/integrations?shared=none", "/workspaces/\(home)/step-runners", "/workspaces/\(home)/claim-mappings",
                "/workspaces/\(home)/api-keys",
            ]
        )
        try await PagedReads.expectCursorTied(
            port: lifecycle.port,
            service: "lifecycle",
            from: "/workspaces/\(home)/step-runners",
            to: "/workspaces/\(stagingID)/step-runners"
        )
        try await PagedReads.expectCursorTied(
            port: lifecycle.port,
            service: "lifecycle",
            from: "/workspaces/\(home)/api-keys",
            to: "/workspaces/\(home)/step-runners"
        )
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
        let revision = try await stack.cli(["workflow", "revision", try #require(imported.created["revision_id"]), "--as-operator"])
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
        try await PagedReads.expectBounded(
            port: notifications.port,
            service: "notifications",
            ["/workspaces/\(home)/notifications?recipient=dev%40acme.example&status=sent"]
        )
    }
}
