import Foundation
import TestSupport
import Testing

/// The README's walkthrough, run exactly as written against the four services, a broker and a mail catcher.
@Suite("End to end: the README walkthrough", .serialized, .timeLimit(.minutes(10)))
struct WalkthroughTests {
    static let root = Repository.root

    /// The shell block between the walkthrough markers of README.md.
    static func walkthrough() throws -> String {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let begin = readme.range(of: "<!-- walkthrough:begin -->\n```sh\n"), let end = readme.range(of: "```\n<!-- walkthrough:end -->") else {
            throw TestSupportError("README.md has no walkthrough block")
        }
        return String(readme[begin.upperBound..<end.lowerBound])
    }

    @Test func theWalkthroughWorksAsWritten() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let deployment = try Deployment(broker: broker)
        let (stack, processes) = try await NotificationsEndToEndTests.start(deployment, smtpPort: mail.port)
        defer { for process in processes { process.stop(signal: SIGKILL) } }

        let script = deployment.directory.appendingPathComponent("walkthrough.sh")
        try ("set -euo pipefail\n" + Self.walkthrough()).write(to: script, atomically: true, encoding: .utf8)
        let bin = URL(fileURLWithPath: Deployment.binary("tenancy")).deletingLastPathComponent().path
        let run = try await runToCompletion(
            "/bin/bash",
            [script.path],
            environment: [
                "BIN": bin, "TENANCY_MAIL_DIR": mail.directory.path, "TENANCY_OPERATOR_NAME": TestKeys.operatorName,
                "TENANCY_OPERATOR_SECRET": deployment.operatorCredential.secret,
                "TENANCY_BOOTSTRAP_SERVERS": broker.bootstrapServers, "TENANCY_TOPIC_PREFIX": deployment.prefix,
                "TENANCY_LIFECYCLE_URL": "http://127.0.0.1:\(stack.lifecyclePort)", "TENANCY_SHARING_URL": "http://127.0.0.1:\(stack.sharingPort)",
                "TENANCY_NOTIFICATIONS_URL": "http://127.0.0.1:\(stack.notificationsPort ?? 0)",
                "TENANCY_DEACTIVATION_URL": "http://127.0.0.1:\(stack.deactivationPort ?? 0)",
                "TENANCY_CLIENT_ID": "", "TENANCY_CLIENT_SECRET": "",
            ]
        )
        #expect(run.status == 0, "walkthrough failed:\n\(run.output.suffix(3_000))\n\(run.errors.suffix(3_000))")
        #expect(run.output.contains("Subject: ana@acme.example wants to share Alerts with Ops"))
        #expect(run.output.contains("Subject: Ops accepted Alerts"))
        #expect(run.output.contains("would:") && run.output.contains("reactivated"))
        #expect(!run.output.contains("xoxb-walkthrough"), "the integration's secret is never printed")
        // With every kind of work done (commands, shares, a saga each way, emails), the shipped
        // dashboards and alert rules find every series they name.
        try await PrometheusCheck.run(opsPorts: stack.opsPorts, directory: deployment.directory)
    }
}
