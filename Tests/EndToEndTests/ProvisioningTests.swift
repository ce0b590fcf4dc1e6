import Foundation
import Models
import TestSupport
import Testing

@Suite("End to end: declarative provisioning", .serialized, .timeLimit(.minutes(10)))
struct ProvisioningTests {
    /// The provisioning story of the product document, through `tenancy provision`, and a second run
    /// of the same file that changes nothing.
    @Test func provisionFileTwice() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, port, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        // The invited users get their tokens by email.
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(mail.port))
        defer { notifications.process.stop(signal: SIGKILL) }

        // An organization whose home workspace has SSO settings and a claim mapping to copy.
        let created = try await deployment.cli(["org", "create", "--as-operator", "--name", "MSP", "--owner-email", "ops@msp.example", "--json"])
        let org = try JSONCoding.decode(CommandResult.self, from: Data(created.output.utf8))
        let owner = [
            "TENANCY_CLIENT_ID": try #require(org.created["client_id"]), "TENANCY_CLIENT_SECRET": try #require(org.secrets?["client_secret"]),
        ]
        _ = try await deployment.cli([
            "org", "features", try #require(org.created["organization_id"]), "--as-operator", "--enable", "workspace_creation",
        ])
        let certificate = deployment.directory.appendingPathComponent("idp.pem").path
        let made = try await runToCompletion(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", deployment.directory.appendingPathComponent("idp.key").path, "-out", certificate, "-days", "30", "-subj", "/CN=idp.test",
            ]
        )
        #expect(made.status == 0, "\(made.errors)")
        #expect(
            try await deployment.cli(
                ["sso", "configure", "--entity-id", "urn:idp", "--sso-url", "https://idp.example/sso", "--certificate-file", certificate],
                environment: owner
            ).status == 0
        )
        #expect(
            try await deployment.cli(["sso", "map-claim", "--claim", "groups", "--value", "secops", "--role", "operator"], environment: owner).status
                == 0
        )

        let secretValue = "pagerduty-\(UUID().uuidString)"
        try "name: triage\nsteps:\n  - run: page\n".write(
            to: deployment.directory.appendingPathComponent("triage.yaml"),
            atomically: true,
            encoding: .utf8
        )
        let planFile = deployment.directory.appendingPathComponent("acme.yaml")
        try """
        workspace: {name: Acme Prod, copy_sso_config: true}
        claim_mappings:
          - {claim: groups, value: soc-leads, role: admin}
        users:
          - {email: lead@acme.example, role: admin}
          - {email: analyst@acme.example, role: operator}
        integrations:
          - kind: step
            vendor: pagerduty
            name: Paging
            parameters: {service: P123}
            secrets: {api_key: {env: PD_KEY}}
        step_runners:
          - {name: edge-1, platform: kubernetes}
        workflows:
          - {name: Triage, file: triage.yaml, publish: true, tags: [soc, prod]}
        """.write(to: planFile, atomically: true, encoding: .utf8)
        let environment = owner.merging(["PD_KEY": secretValue]) { _, new in new }

        let first = try await deployment.cli(["provision", planFile.path], environment: environment)
        #expect(first.status == 0, "\(first.output)\n\(first.errors)")
        #expect(first.output.contains("plan for") && first.output.contains("import workflow 'Triage'"))
        #expect(!first.output.contains(secretValue), "secret values are never printed")
        #expect(!first.errors.contains("[1/8 "), "no progress lines when nobody watches (standard error is not a terminal)")
        let leadInvitation = try #require(
            first.output.firstMatch(of: /lead@acme\.example: invitation (inv_[A-Za-z0-9]+); its token goes to lead@acme\.example by email/)
        ).output.1
        let stateData = try #require(FileManager.default.contents(atPath: planFile.path + ".state.json"))
        let state = try JSONSerialization.jsonObject(with: stateData) as? [String: String]
        let workspace = try #require(state?["workspaceID"])
        #expect((state?["salt"]?.count ?? 0) >= 32, "the command ids are salted with a random value kept in the state file")
        let permissions = try FileManager.default.attributesOfItem(atPath: planFile.path + ".state.json")[.posixPermissions] as? Int
        #expect(permissions == 0o600)

        // Everything is there: SSO copied, both claim mappings, invitations, integration, runner, published workflow.
        #expect(
            await signedGet(port: port, path: "/workspaces/\(workspace)/sso", credential: deployment.operatorCredential, service: "lifecycle")?.body
                .contains("urn:idp") == true
        )
        let mappings =
            await signedGet(
                port: port,
                path: "/workspaces/\(workspace)/claim-mappings",
                credential: deployment.operatorCredential,
                service: "lifecycle"
            )?.body ?? ""
        #expect(mappings.contains("secops") && mappings.contains("soc-leads"))
        let invitations =
            await signedGet(
                port: port,
                path: "/workspaces/\(workspace)/invitations",
                credential: deployment.operatorCredential,
                service: "lifecycle"
            )?.body ?? ""
        #expect(invitations.contains("lead@acme.example") && invitations.contains("analyst@acme.example"))
        #expect(
            await signedGet(
                port: port,
                path: "/workspaces/\(workspace)/integrations",
                credential: deployment.operatorCredential,
                service: "lifecycle"
            )?.body.contains(#""secret_fields":["api_key"]"#) == true
        )
        #expect(
            await signedGet(
                port: port,
                path: "/workspaces/\(workspace)/step-runners",
                credential: deployment.operatorCredential,
                service: "lifecycle"
            )?.body.contains("edge-1") == true
        )
        let workflows =
            await signedGet(
                port: port,
                path: "/workspaces/\(workspace)/workflows?name=tri",
                credential: deployment.operatorCredential,
                service: "lifecycle"
            )?.body ?? ""
        let listed = ((try JSONSerialization.jsonObject(with: Data(workflows.utf8)) as? [String: Any])?["workflows"] as? [[String: Any]])?.first
        #expect(
            listed?["current_revision_id"] as? String != nil
                && listed?["current_revision_id"] as? String == listed?["published_revision_id"] as? String
        )
        #expect(listed?["tags"] as? [String] == ["prod", "soc"])

        // The same file again: every step is already done and no event is published.
        // Counted on the broker (the topic's end offsets), so a slow reader cannot blur the two runs.
        let events = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.lifecycleEvents)
        var before = try events.recordCount()
        try await Wait.until("the first run's events are all published", timeout: .seconds(30), every: .seconds(1)) {
            let now = (try? events.recordCount()) ?? -1
            defer { before = now }
            return now == before
        }
        // Watched (as from a terminal), each of the plan's 8 commands is a progress line.
        let second = try await deployment.cli(["provision", planFile.path], environment: environment.merging(["TENANCY_PROGRESS": "1"]) { $1 })
        #expect(second.status == 0, "\(second.errors)")
        #expect(!second.output.contains("+ done") && second.output.contains("= already done"))
        #expect(second.errors.contains("[1/8 ") && second.errors.contains("] create workspace 'Acme Prod'"), "\(second.errors)")
        #expect(second.errors.contains("[8/8 ") && second.errors.contains("] tag workflow 'Triage'"), "\(second.errors)")
        try await Task.sleep(for: .seconds(2))
        let after = try events.recordCount()
        #expect(before > 0 && after == before, "the second run published no event")
        await events.close()

        // The same plan under another path has another salt, so other command ids: its first step is
        // a new command (refused, as the name is taken), not a replay of this plan's.
        let copy = deployment.directory.appendingPathComponent("acme-copy.yaml")
        try FileManager.default.copyItem(at: planFile, to: copy)
        let other = try await deployment.cli(["provision", copy.path], environment: environment)
        #expect(
            other.status != 0 && other.errors.contains("name_taken") && !other.output.contains("= already done"),
            "\(other.output)\n\(other.errors)"
        )

        // A provisioned invitation is accepted as any other: with the token from the invitee's email.
        let leadToken = try await Mailbox.invitationToken(String(leadInvitation), in: mail)
        #expect(!first.output.contains(leadToken) && !second.output.contains(leadToken), "provisioning never prints a token")
        let joined = try await deployment.cli(
            ["user", "accept", String(leadInvitation), "--json"],
            environment: ["TENANCY_INVITATION_TOKEN": leadToken, "TENANCY_CLIENT_ID": "", "TENANCY_CLIENT_SECRET": ""]
        )
        #expect(joined.status == 0, "\(joined.errors)")
        #expect(try JSONCoding.decode(CommandResult.self, from: Data(joined.output.utf8)).created["workspace_id"] == workspace)
    }
}
