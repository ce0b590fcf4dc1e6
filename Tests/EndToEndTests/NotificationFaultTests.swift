import Foundation
import Models
import TestSupport
import Testing

/// Email delivery when things go wrong: the SMTP server away for a while, the service killed or
/// stopped in the middle of a burst. Nothing is lost; a copy is possible only after a SIGKILL, and
/// then it carries the same Message-ID.
@Suite("End to end: email delivery under faults", .serialized, .timeLimit(.minutes(10)))
struct NotificationFaultTests {
    @Test func noEmailLostWhenTheServerIsDownOrTheServiceDies() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        // A slow server (50 ms per message), so that a burst lasts long enough to be interrupted.
        var server = try await TestSMTPServer.start(delay: .milliseconds(50))
        defer { server.stop() }
        let deployment = try Deployment(broker: broker)
        // 320 invitations from one workspace: more than the cap of a day allows.
        let lifecycle = try await deployment.startReady("lifecycle", environment: ["TENANCY_INVITATIONS_PER_WORKSPACE_PER_DAY": "0"])
        defer { lifecycle.process.stop(signal: SIGKILL) }
        var notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(server.port))
        defer { notifications.process.stop(signal: SIGKILL) }
        let stack = Stack(deployment: deployment, lifecyclePort: lifecycle.port, sharingPort: 0)
        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let ana = try Stack.key(org)

        /// Invites `count` new addresses with bulk commands of at most 100: one email each.
        var invited = 0
        func burst(_ count: Int) async throws {
            for chunk in stride(from: 0, to: count, by: 100) {
                let file = deployment.directory.appendingPathComponent("burst-\(invited).json")
                let people = (invited..<invited + min(100, count - chunk)).map { ["email": "user\($0)@acme.example", "role": "viewer"] }
                try JSONSerialization.data(withJSONObject: people).write(to: file)
                _ = try await stack.accepted(["user", "invite-bulk", file.path], as: ana)
                invited += people.count
            }
        }
        func distinct() -> Set<String> { Set(server.messages().map { ReceivedEmail($0).messageID }) }

        // The server is away: the emails wait and arrive once it is back, each once.
        server.stop()
        try await burst(20)
        try await Task.sleep(for: .seconds(3))
        server = try await TestSMTPServer.start(port: server.port, directory: server.directory, delay: .milliseconds(50))
        try await Wait.until("20 emails after the server came back", timeout: .seconds(90), every: .milliseconds(200)) { distinct().count == 20 }
        #expect(server.messages().count == 20, "none twice")

        // SIGKILL in the middle of a burst: nothing lost; at most the email in flight comes twice, with its Message-ID.
        try await burst(150)
        try await Wait.until("the burst has begun", timeout: .seconds(30), every: .milliseconds(20)) { server.count() > 25 }
        await notifications.process.stopped(by: SIGKILL)
        let beforeRestart = server.count()
        notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(server.port))
        try await Wait.until("all 170 after the SIGKILL", timeout: .seconds(90), every: .milliseconds(200)) { distinct().count == 170 }
        let copiesAfterKill = server.messages().count - distinct().count
        #expect(beforeRestart < 170, "the kill came before the burst was over")
        #expect(copiesAfterKill <= 1)

        // SIGTERM in the middle of a burst: the email in flight is finished and recorded, so no copy at all.
        try await burst(150)
        try await Wait.until("the second burst has begun", timeout: .seconds(30), every: .milliseconds(20)) { server.count() > 200 }
        let status = await notifications.process.stopped(by: SIGTERM)
        #expect(status == .exited(0), "a graceful stop exits 0")
        notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(server.port))
        try await Wait.until("all 320 after the SIGTERM", timeout: .seconds(90), every: .milliseconds(200)) { distinct().count == 320 }
        try await Task.sleep(for: .seconds(2))
        #expect(server.messages().count - distinct().count == copiesAfterKill, "SIGTERM adds no copy")
    }
}
