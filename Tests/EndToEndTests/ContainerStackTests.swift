import Foundation
import TestSupport
import Testing

/// `deploy/local/containers.sh` for real: deploy/Dockerfile's image built from this build's binaries on
/// a Debian trixie base, deploy/compose.yaml run by podman with Tansu and the mail catcher standing in
/// for the images no registry gives here. The four services become ready by their image's health
/// check, the README's walkthrough passes with the CLI from the image, and a service whose process is
/// killed is restarted by the engine and loses none of the commands sent around its death.
@Suite("End to end: the compose stack in containers", .serialized, .timeLimit(.minutes(20)))
struct ContainerStackTests {
    static let script = Repository.root.appendingPathComponent("deploy/local/containers.sh").path
    static let cli = Repository.root.appendingPathComponent("deploy/local/containers/tenancy").path
    /// A project, an image and a loopback address of its own: a stack of the developer's keeps its
    /// containers, image and ports.
    static let project = "tenancytest"
    static let image = "localhost/tenancy:test"
    static let address = "127.0.0.2"
    static let opsPorts = ["lifecycle": 9181, "sharing": 9182, "notifications": 9183, "deactivation": 9184]

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenancy-containers-\(UUID().uuidString.prefix(8))")

    var environment: [String: String] {
        [
            "TENANCY_RUN_DIR": directory.path, "TENANCY_COMPOSE_PROJECT": Self.project, "TENANCY_IMAGE": Self.image,
            "TENANCY_PUBLISH_ADDRESS": Self.address,
            "TENANCY_CONTAINER_BINARIES": URL(fileURLWithPath: Deployment.binary("tenancy")).deletingLastPathComponent().path,
        ]
    }

    @Test func theStackRunsTheWalkthroughAndRestartsAKilledService() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let outcome: Result<Void, any Error>
        do { outcome = .success(try await exercise()) } catch { outcome = .failure(error) }
        let down = try await runToCompletion(Self.script, ["down"], environment: environment, timeout: .seconds(120))
        #expect(down.status == 0, "containers.sh down: \(down.errors.suffix(2_000))")
        // Keys and emails (owned by the image's user once the stack ran): as root, they go too.
        try? FileManager.default.removeItem(at: directory)
        try outcome.get()
    }

    private func exercise() async throws {
        // The first run on a machine installs podman, mmdebstrap and docker-compose and makes the base image.
        let up = try await runToCompletion(Self.script, ["up"], environment: environment, timeout: .seconds(900))
        try #require(up.status == 0, "containers.sh up failed:\n\(up.output.suffix(2_000))\n\(up.errors.suffix(4_000))")

        for (service, port) in Self.opsPorts {
            #expect(await httpGet(host: Self.address, port: port, path: "/health/ready")?.status == 200, "\(service) is ready on its published port")
        }
        var containers: [String] = []
        for service in Self.opsPorts.keys.sorted() { containers.append(try await container(of: service)) }
        let inspected = try await podman(["inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}"] + containers)
        #expect(inspected.split(separator: "\n").map(String.init) == Array(repeating: "tenancy true", count: 4), "unprivileged, read-only root")

        try await walkthrough()
        let clientSecret = try await killedServiceLosesNothing()
        // What no log line may hold: the integrations' secrets, a client's and the operator's
        // secrets, and the keys the services were given (readable here when the tests run as root).
        let keys = ["secrets_key", "invitation_key"].compactMap {
            try? String(contentsOf: directory.appendingPathComponent("compose/\($0)"), encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines
            )
        }
        try await logsAreJSONWithout(["xoxb-", clientSecret, try operatorCredential()["TENANCY_OPERATOR_SECRET"] ?? ""] + keys, in: containers)
    }

    /// The image logs JSON: every line each service wrote parses, and none holds a secret.
    private func logsAreJSONWithout(_ secrets: [String], in containers: [String]) async throws {
        for container in containers {
            let logs = try await runToCompletion(podmanCommand[0], Array(podmanCommand.dropFirst()) + ["logs", container])
            let lines = (logs.output + logs.errors).split(separator: "\n")
            #expect(!lines.isEmpty, "\(container) logged nothing")
            for line in lines where (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] == nil {
                Issue.record("\(container) wrote a line that is not a JSON object: \(line.prefix(300))")
            }
            for (index, secret) in secrets.enumerated() where !secret.isEmpty {
                #expect(!lines.contains { $0.contains(secret) }, "\(container) logged secret \(index) of \(secrets.count)")
            }
        }
    }

    /// The README's block as written, with `BIN` pointing at the CLI from the image.
    private func walkthrough() async throws {
        let script = directory.appendingPathComponent("walkthrough.sh")
        try ("set -euo pipefail\n" + WalkthroughTests.walkthrough()).write(to: script, atomically: true, encoding: .utf8)
        let run = try await runToCompletion(
            "/bin/bash",
            [script.path],
            environment: try operatorCredential().merging([
                "BIN": URL(fileURLWithPath: Self.cli).deletingLastPathComponent().path, "TENANCY_COMPOSE_PROJECT": Self.project,
                "TENANCY_IMAGE": Self.image,
                "TENANCY_MAIL_DIR": directory.appendingPathComponent("containers/mail").path, "TENANCY_CLIENT_ID": "", "TENANCY_CLIENT_SECRET": "",
            ]) { _, new in new }
        )
        #expect(run.status == 0, "walkthrough failed:\n\(run.output.suffix(3_000))\n\(run.errors.suffix(3_000))")
        #expect(run.output.contains("would:") && run.output.contains("reactivated"))
        // The walkthrough shows the emails after a fixed pause; debug builds in containers on a busy
        // machine may take longer to send them, so they are waited for here.
        let mail = directory.appendingPathComponent("containers/mail")
        let expected = ["Subject: ana@acme.example wants to share Alerts with Ops", "Subject: Ops accepted Alerts"]
        try await Wait.until("the share's two emails are in the mail catcher", timeout: .seconds(60), every: .seconds(1)) {
            let files = (try? FileManager.default.contentsOfDirectory(at: mail, includingPropertiesForKeys: nil)) ?? []
            let emails = files.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
            return expected.allSatisfy { subject in emails.contains { $0.contains(subject) } }
        }
    }

    /// Sharing's process is killed (SIGKILL, as the kernel's OOM killer does) with commands for it in
    /// flight; the engine restarts it, each command is answered once, and what it had before is still
    /// there. Returns the client secret it used.
    private func killedServiceLosesNothing() async throws -> String {
        let organization = try json(
            await tenancy(["org", "create", "--as-operator", "--name", "Restart", "--owner-email", "kim@restart.example", "--json"])
        )
        let created = try #require(organization["created"] as? [String: Any])
        let secrets = try #require(organization["secrets"] as? [String: Any])
        let workspace = try #require(created["workspace_id"] as? String)
        let client = [
            "TENANCY_CLIENT_ID": try #require(created["client_id"] as? String),
            "TENANCY_CLIENT_SECRET": try #require(secrets["client_secret"] as? String),
        ]
        func createIntegration(_ name: String) async throws -> String {
            try await tenancy(
                [
                    "integration", "create", "--kind", "step", "--vendor", "slack", "--name", name, "--secret-env", "token=RESTART_TOKEN",
                    "--timeout", "120",
                ],
                client.merging(["RESTART_TOKEN": "xoxb-restart"]) { _, new in new }
            )
        }
        _ = try await createIntegration("Before")

        let container = try await container(of: "sharing")
        let pid = try await podman(["inspect", "--format", "{{.State.Pid}}", container]).trimmingCharacters(in: .whitespacesAndNewlines)
        let killed = try await runToCompletion(asRoot[0], Array(asRoot.dropFirst()) + ["/bin/kill", "-KILL", pid])
        try #require(killed.status == 0, "kill \(pid): \(killed.errors)")
        let names = (1...5).map { "During \($0)" }
        try await withThrowingTaskGroup(of: String.self) { group in
            for name in names { group.addTask { try await createIntegration(name) } }
            for try await answer in group { #expect(answer.contains("accepted: CreateIntegration")) }
        }

        #expect(try await podman(["inspect", "--format", "{{.RestartCount}}", container]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        // Ready again once the group has given it its partitions back (a session timeout on Tansu).
        try await Wait.until("all four services are ready again", timeout: .seconds(90), every: .seconds(1)) {
            try await runToCompletion(Self.script, ["health"], environment: environment).status == 0
        }
        let listed = try json(await tenancy(["integration", "list", workspace, "--kind", "step", "--json"], client))
        let integrations = (listed["integrations"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(integrations.sorted() == (["Before"] + names).sorted(), "each command applied once: \(integrations)")
        return client["TENANCY_CLIENT_SECRET"] ?? ""
    }

    /// The operator containers.sh made (the only `*.secret` in its operators directory).
    private func operatorCredential() throws -> [String: String] {
        let operators = directory.appendingPathComponent("compose/operators")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: operators.path).first { $0.hasSuffix(".secret") })
        let secret = try String(contentsOf: operators.appendingPathComponent(file), encoding: .utf8)
        return [
            "TENANCY_OPERATOR_NAME": String(file.dropLast(".secret".count)),
            "TENANCY_OPERATOR_SECRET": secret.trimmingCharacters(in: .whitespacesAndNewlines),
        ]
    }

    private func tenancy(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> String {
        let run = try await runToCompletion(
            Self.cli,
            arguments,
            environment: try operatorCredential().merging(extra) { _, new in new }.merging([
                "TENANCY_COMPOSE_PROJECT": Self.project, "TENANCY_IMAGE": Self.image,
            ]) { _, new in new }
        )
        try #require(run.status == 0, "tenancy \(arguments.joined(separator: " ")): \(run.errors.suffix(2_000))")
        return run.output
    }

    /// The stack runs under root's podman: through `sudo -n` when the tests are not root.
    private var asRoot: [String] { geteuid() == 0 ? ["/usr/bin/env"] : ["/usr/bin/sudo", "-n"] }
    private var podmanCommand: [String] { asRoot + ["podman"] }

    /// The container of `service`, by the labels docker-compose sets (its naming differs between versions).
    private func container(of service: String) async throws -> String {
        let found = try await podman([
            "ps", "--all", "--quiet", "--filter", "label=com.docker.compose.project=\(Self.project)", "--filter",
            "label=com.docker.compose.service=\(service)",
        ])
        return try #require(found.split(separator: "\n").first.map(String.init), "no container of \(service)")
    }

    private func podman(_ arguments: [String]) async throws -> String {
        let run = try await runToCompletion(podmanCommand[0], Array(podmanCommand.dropFirst()) + arguments)
        try #require(run.status == 0, "podman \(arguments.joined(separator: " ")): \(run.errors.suffix(1_000))")
        return run.output
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(500))")
    }
}
