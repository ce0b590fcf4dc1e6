import Foundation
import Models
import TestSupport
import Testing

/// An email as the test SMTP server stored it.
struct ReceivedEmail: Hashable {
    var to: String
    var subject: String
    var messageID: String

    init(_ raw: String) {
        func header(_ name: String) -> String {
            raw.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) } ?? ""
        }
        to = header("X-Envelope-To")
        subject = header("Subject")
        messageID = header("Message-ID")
    }
}

/// Emails through a real SMTP server (aiosmtpd) from all four services running against a real broker.
@Suite("End to end: notifications by email", .serialized, .timeLimit(.minutes(10)))
struct NotificationsEndToEndTests {
    /// The four services, Notifications delivering to `smtpPort`.
    static func start(_ deployment: Deployment, smtpPort: Int) async throws -> (Stack, [ChildProcess]) {
        let lifecycle = try await deployment.startReady("lifecycle")
        let sharing = try await deployment.startReady("sharing")
        let deactivation = try await deployment.startReady("deactivation")
        let notifications = try await deployment.startReady("notifications", environment: Self.smtp(smtpPort))
        let stack = Stack(
            deployment: deployment,
            lifecyclePort: lifecycle.port,
            sharingPort: sharing.port,
            deactivationPort: deactivation.port,
            notificationsPort: notifications.port,
            opsPorts: [
                "lifecycle": lifecycle.opsPort, "sharing": sharing.opsPort, "deactivation": deactivation.opsPort,
                "notifications": notifications.opsPort,
            ]
        )
        return (stack, [lifecycle.process, sharing.process, deactivation.process, notifications.process])
    }

    static func smtp(_ port: Int) -> [String: String] {
        [
            "TENANCY_SMTP_HOST": "127.0.0.1", "TENANCY_SMTP_PORT": String(port), "TENANCY_SMTP_RETRY_SECONDS": "0.3",
            "TENANCY_SMTP_FROM": "Tenancy <noreply@tenancy.test>",
        ]
    }

    /// Waits until the server holds `count` emails for which `filter` holds; returns all it holds.
    static func waitForEmails(
        _ server: TestSMTPServer,
        count: Int,
        where filter: @escaping (ReceivedEmail) -> Bool = { _ in true }
    ) async throws -> [ReceivedEmail] {
        try await Wait.until("\(count) emails", timeout: .seconds(60), every: .milliseconds(200)) {
            server.messages().map(ReceivedEmail.init).filter(filter).count >= count
        }
        return server.messages().map(ReceivedEmail.init)
    }

    @Test func eachEventEmailsExactlyTheRightPeople() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let deployment = try Deployment(broker: broker)
        let (stack, processes) = try await Self.start(deployment, smtpPort: server.port)
        defer { for process in processes { process.stop(signal: SIGKILL) } }
        var expected: [String: [String]] = [:]  // recipient -> subjects, in order
        func expect(_ recipient: String, _ subject: String) { expected[recipient, default: []].append(subject) }

        // Ana owns Home; Bea owns Ops, where Ana is an Admin.
        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let organization = try #require(org.created["organization_id"])
        let home = try #require(org.created["workspace_id"])
        let ana = try Stack.key(org)
        _ = try await stack.accepted(
            [
                "org", "features", organization, "--as-operator", "--enable", "workspace_creation", "--enable", "cross_workspace_sharing",
                "--enable", "workspace_deactivation",
            ],
            as: [:]
        )
        let ops = try await stack.accepted(["workspace", "create", "--name", "Ops"], as: ana)
        let opsID = try #require(ops.created["workspace_id"])
        let anaInOps = try Stack.key(ops)
        let invitation = try await stack.accepted(["user", "invite", "bea@acme.example", "--role", "owner"], as: anaInOps)
        expect("bea@acme.example", "You are invited to Ops")
        #expect(invitation.secrets == nil, "the inviter is never shown the token")
        let token = try await Mailbox.invitationToken(try #require(invitation.created["invitation_id"]), in: server)
        let bea = try Stack.key(
            try await stack.accepted(["user", "accept", try #require(invitation.created["invitation_id"])], as: ["TENANCY_INVITATION_TOKEN": token])
        )
        _ = try await stack.accepted(["user", "role", try #require(org.created["user_id"]), "admin"], as: bea)
        // A recipient the server refuses for good: marked failed, the others still get theirs.
        _ = try await stack.accepted(["user", "invite", "gone+reject@acme.example", "--role", "viewer"], as: bea)

        let slack = try #require(
            try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts"], as: ana).created[
                "integration_id"
            ]
        )
        let vault = try #require(
            try await stack.accepted(
                ["integration", "create", "--kind", "secret", "--vendor", "vault", "--name", "Vault", "--secret-env", "token=T"],
                as: ana.merging(["T": "vault-secret-value"]) { $1 }
            ).created["integration_id"]
        )
        let request = try #require(try await stack.accepted(["share", "create", slack, "--to", opsID], as: ana).created["share_id"])
        expect("bea@acme.example", "ana@acme.example wants to share Alerts with Ops")
        _ = try await stack.accepted(["share", "accept", request], as: bea)
        expect("ana@acme.example", "Ops accepted Alerts")
        let offered = try #require(try await stack.accepted(["share", "create", vault, "--to", opsID], as: ana).created["share_id"])
        expect("bea@acme.example", "ana@acme.example wants to share Vault with Ops")
        _ = try await stack.accepted(["share", "deny", offered, "--reason", "We keep our own vault"], as: bea)
        expect("ana@acme.example", "Ops declined Vault")
        _ = try await stack.accepted(["share", "revoke", slack], as: ana)
        expect("bea@acme.example", "Alerts is no longer shared with Ops")
        let again = try #require(try await stack.accepted(["share", "create", slack, "--to", opsID], as: ana).created["share_id"])
        expect("bea@acme.example", "ana@acme.example wants to share Alerts with Ops")
        let copy = try #require(try await stack.accepted(["share", "accept", again], as: bea).created["copy_integration_id"])
        expect("ana@acme.example", "Ops accepted Alerts")
        _ = try await stack.waitForCopy(copy, in: opsID)
        _ = try await stack.accepted(["share", "remove", copy], as: bea)
        expect("ana@acme.example", "Ops removed Alerts")
        let last = try #require(try await stack.accepted(["share", "create", slack, "--to", opsID], as: ana).created["share_id"])
        expect("bea@acme.example", "ana@acme.example wants to share Alerts with Ops")
        _ = try await stack.accepted(["share", "accept", last], as: bea)
        expect("ana@acme.example", "Ops accepted Alerts")

        // Ops is deactivated and reactivated: its Owners are told, and Home's Owners about the share.
        let operation = try #require(try await stack.accepted(["workspace", "deactivate", opsID], as: bea).created["operation_id"])
        expect("bea@acme.example", "Ops is being deactivated")
        expect("ana@acme.example", "Alerts is no longer shared: Ops was deactivated")
        expect("bea@acme.example", "Ops is deactivated")
        try await Wait.until("deactivated", timeout: .seconds(60), every: .milliseconds(250)) {
            (try? await stack.read(["workspace", "operation", operation]))?["status"] as? String == "deactivated"
        }
        _ = try await stack.accepted(["workspace", "reactivate", opsID, "--as-operator"], as: [:])
        expect("bea@acme.example", "Ops is active again")

        let total = expected.values.map(\.count).reduce(0, +)
        let received = try await Self.waitForEmails(server, count: total)
        try await Task.sleep(for: .seconds(2))  // anything extra would arrive by now
        let settled = server.messages().map(ReceivedEmail.init)
        #expect(settled.count == total, "\(settled.map { "\($0.to): \($0.subject)" })")
        #expect(Set(settled.map(\.messageID)).count == settled.count, "no email twice")
        for (recipient, subjects) in expected {
            #expect(received.filter { $0.to == recipient }.map(\.subject).sorted() == subjects.sorted(), "\(recipient)")
        }
        #expect(!settled.contains { $0.to.contains("reject") })
        let failed = try await stack.read(["notifications", "list", opsID, "--status", "failed"])["notifications"] as? [[String: Any]] ?? []
        #expect(
            failed.map { $0["recipient"] as? String } == ["gone+reject@acme.example"]
                && (failed.first?["last_error"] as? String)?.contains("550") == true
        )
        #expect(!server.messages().joined().contains("vault-secret-value"), "no integration secret in any email")
        let carryingTheToken = server.messages().filter { Mailbox.text(of: $0).contains("TENANCY_INVITATION_TOKEN=\(token) tenancy user accept") }
        #expect(carryingTheToken.map { ReceivedEmail($0).to } == ["bea@acme.example"], "the token is in Bea's invitation email, and in no other")
        #expect(home != opsID)
    }
}
