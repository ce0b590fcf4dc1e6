import Foundation
import Kafka
import Logging
import Models
import TestSupport
import Testing

@Suite("End to end: real processes, real broker", .serialized, .timeLimit(.minutes(10)))
struct ServicesLifecycleTests {
    /// All four services start, create and join their topics, answer health checks and metrics on
    /// their ops port (and not on their read port), and stop cleanly on SIGTERM.
    @Test func allServicesStartAnswerHealthAndStopCleanly() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let services = ["lifecycle", "sharing", "notifications", "deactivation"]
        // Started together: each waits for its consumer group, so waiting in turn would add up.
        let ports = try services.map { _ in (read: try FreePort.next(), ops: try FreePort.next()) }
        let processes = try zip(services, ports).map { try deployment.start($0, httpPort: $1.read, opsPort: $1.ops) }
        defer { for process in processes { process.stop(signal: SIGKILL) } }

        for (service, port) in zip(services, ports) {
            try await waitUntilReady(opsPort: port.ops)
            #expect(await httpGet(port: port.ops, path: "/health/live")?.status == 200)
            let ready = await httpGet(port: port.ops, path: "/health/ready")
            #expect(ready?.body.contains(#""broker":true"#) == true && ready?.body.contains(#""database":true"#) == true)
            for path in ["/health/live", "/health/ready", "/metrics"] {
                #expect(await httpGet(port: port.read, path: path)?.status == 404, "\(service) serves \(path) on its read port")
            }
        }
        // A command on a topic of a service with no commands yet is refused, not ignored.
        let producerTopic = deployment.topics.sharingCommands
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "e2e")
        )
        try await producer.send(CommandFactory.record(CreateWorkspace(), topic: producerTopic, id: "to-sharing", key: "ws_x", credential: nil))
        let results = try await reader.read { $0.contains { $0.header("ce_subject") == "to-sharing" } }
        #expect(results.first { $0.header("ce_subject") == "to-sharing" }?.commandResult?.error?.code == .unknownType)
        producer.close()
        await reader.close()

        let metrics = await httpGet(port: ports[1].ops, path: "/metrics")
        #expect(metrics?.body.contains("tenancy_commands_total") == true)
        #expect(metrics?.body.contains("tenancy_dead_letters_total") == true)
        // Where a command's time goes: until its batch committed, and until its result was acknowledged.
        func observations(_ histogram: String, in body: String) -> Double {
            body.split(separator: "\n").first { $0.hasPrefix(histogram + "_count ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        try await Wait.until("Sharing timed the refused command and its result", timeout: .seconds(10)) {
            let body = await httpGet(port: ports[1].ops, path: "/metrics")?.body ?? ""
            return observations("tenancy_record_age_at_commit_seconds", in: body) >= 1
                && observations("tenancy_outbox_age_at_delivery_seconds", in: body) >= 1
        }

        for (service, process) in zip(services, processes) {
            let status = await process.stopped(by: SIGTERM, timeout: .seconds(30))
            #expect(status == .exited(0), "\(service) exit status; log:\n\(process.log.suffix(2_000))")
            #expect(process.log.contains("consumer closed"), "\(service) left its group")
        }
    }

    /// A service reads its topics as one task per partition, so it refuses to start when a topic it
    /// reads has another partition count than the deployment's, and says which.
    @Test func aServiceRefusesTopicsThatAreNotCoPartitioned() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "e2e")
        )
        defer { producer.close() }
        try producer.createTopicsIfMissing([TopicSpecification(name: deployment.topics.lifecycleEvents, partitions: 2)])
        let sharing = try deployment.start("sharing", httpPort: try FreePort.next(), opsPort: try FreePort.next())
        defer { sharing.stop(signal: SIGKILL) }
        try await Wait.until("Sharing gives up", timeout: .seconds(60)) { sharing.termination != nil }
        #expect(sharing.termination != .exited(0))
        #expect(sharing.log.contains("must have 3 partitions"), "log:\n\(sharing.log.suffix(2_000))")
        #expect(sharing.log.contains("\(deployment.topics.lifecycleEvents) has 2"))
    }

    /// Health and metrics are on the ops port only, and the ops port serves no tenant data: with an
    /// organization in Lifecycle, its reads and its key route answer on the read port alone.
    @Test func theOpsPortServesHealthAndMetricsAndNoTenantData() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, port, opsPort) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        let created = try await deployment.cli(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ops@acme.example", "--json"])
        let result = try JSONCoding.decode(CommandResult.self, from: Data(created.output.utf8))
        let organization = try #require(result.created["organization_id"])
        let home = try #require(result.created["workspace_id"])

        for path in ["/health/live", "/health/ready", "/metrics"] {
            #expect(await httpGet(port: opsPort, path: path)?.status == 200, "\(path) on the ops port")
            #expect(await httpGet(port: port, path: path)?.status == 404, "\(path) on the read port")
        }
        for path in ["/organizations/\(organization)", "/workspaces/\(home)", "/workspaces/\(home)/api-keys", "/secrets-key"] {
            // Lifecycle's public key is open to anyone; tenant reads are signed.
            let read =
                path == "/secrets-key"
                ? await httpGet(port: port, path: path)
                : await signedGet(port: port, path: path, credential: deployment.operatorCredential, service: "lifecycle")
            #expect(read?.status == 200, "\(path) on the read port: \(String(describing: read))")
            let ops = await httpGet(port: opsPort, path: path)
            #expect(ops?.status == 404 && ops?.body.isEmpty == true, "\(path) on the ops port: \(String(describing: ops))")
        }

        // The tasks it owns: one per partition, each that partition of every topic it reads, with
        // the offsets stored with the state; the organization's command is in one of them.
        #expect(await httpGet(port: port, path: "/tasks")?.status == 404)
        struct Tasks: Decodable {
            struct Task: Decodable {
                struct Input: Decodable {
                    var topic: String
                    var next_offset: Int64?
                    var lag: Int64?
                }
                var partition: Int32
                var inputs: [Input]
            }
            var service: String
            var assignment_strategy: String
            var partitions: Int32
            var tasks: [Task]
        }
        let topics = [deployment.topics.lifecycleCommands, deployment.topics.sharingEvents, deployment.topics.deactivationEvents].sorted()
        try await Wait.until("Lifecycle's tasks show the command consumed", timeout: .seconds(30)) {
            guard let body = await httpGet(port: opsPort, path: "/tasks")?.body,
                let view = try? JSONDecoder().decode(Tasks.self, from: Data(body.utf8))
            else { return false }
            let commands = view.tasks.flatMap(\.inputs).filter { $0.topic == deployment.topics.lifecycleCommands }
            return view.service == "lifecycle" && view.assignment_strategy == "cooperative-sticky" && view.partitions == 3
                && view.tasks.map(\.partition) == [0, 1, 2] && view.tasks.allSatisfy { $0.inputs.map(\.topic).sorted() == topics }
                && commands.compactMap(\.next_offset).reduce(0, +) == 1 && commands.allSatisfy { ($0.lag ?? 0) == 0 }
        }
    }

    /// The CLI against a running Lifecycle: create an organization, enable a feature, create a
    /// workspace with the owner's key, read them back; a refusal exits 1 with its code.
    @Test func cliDrivesLifecycle() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, port, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        // Invitation tokens arrive by email only.
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let notifications = try await deployment.startReady("notifications", environment: NotificationsEndToEndTests.smtp(mail.port))
        defer { notifications.process.stop(signal: SIGKILL) }

        let created = try await deployment.cli(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ops@acme.example", "--json"])
        #expect(created.status == 0, "\(created.errors)")
        let result = try JSONCoding.decode(CommandResult.self, from: Data(created.output.utf8))
        let organization = try #require(result.created["organization_id"])
        let owner = [
            "TENANCY_CLIENT_ID": try #require(result.created["client_id"]), "TENANCY_CLIENT_SECRET": try #require(result.secrets?["client_secret"]),
        ]

        let disabled = try await deployment.cli(["workspace", "create", "--name", "Staging"], environment: owner)
        #expect(disabled.status == 1 && disabled.errors.contains("feature_disabled"))

        let features = try await deployment.cli(["org", "features", organization, "--as-operator", "--enable", "workspace_creation"])
        #expect(features.status == 0 && features.output.contains("accepted"))

        let workspace = try await deployment.cli(["workspace", "create", "--name", "Staging"], environment: owner)
        #expect(workspace.status == 0 && workspace.output.contains("workspace_id: ws_") && workspace.output.contains("shown only once"))

        let shown = try await deployment.cli(["org", "show", organization, "--json", "--as-operator"], lifecyclePort: port)
        #expect(shown.status == 0 && shown.output.contains(#""name":"Staging""#) && shown.output.contains("workspace_creation"))
        // For people, the same read is a table: a header, one row per workspace, a count.
        let table = try await deployment.cli(["org", "show", organization, "--as-operator"], lifecyclePort: port)
        let rows = table.output.split(separator: "\n").map(String.init)
        #expect(rows.contains("features: workspace_creation") && rows.contains { $0.hasPrefix("ID") && $0.contains("NAME") && $0.contains("STATUS") })
        #expect(rows.contains { $0.hasPrefix("ws_") && $0.contains("Staging") && $0.hasSuffix("active") } && rows.last == "(2 workspaces)")

        let wrong = try await deployment.cli(
            ["workspace", "create"],
            environment: owner.merging(["TENANCY_CLIENT_SECRET": "nope"]) { _, new in new }
        )
        #expect(wrong.status == 1 && wrong.errors.contains("unauthenticated"))

        let noCredential = try await deployment.cli(["workspace", "create"], environment: ["TENANCY_CLIENT_ID": "", "TENANCY_CLIENT_SECRET": ""])
        #expect(noCredential.status != 0 && noCredential.errors.contains("TENANCY_CLIENT_SECRET"))

        // Invite, accept with the token from the email (in the environment), and list the workspace's keys.
        let invited = try await deployment.cli(["user", "invite", "dev@acme.example", "--role", "operator", "--json"], environment: owner)
        #expect(invited.status == 0, "\(invited.errors)")
        let invitation = try JSONCoding.decode(CommandResult.self, from: Data(invited.output.utf8))
        let token = try await Mailbox.invitationToken(try #require(invitation.created["invitation_id"]), in: mail)
        let accepted = try await deployment.cli(
            ["user", "accept", try #require(invitation.created["invitation_id"]), "--json"],
            environment: ["TENANCY_INVITATION_TOKEN": token, "TENANCY_CLIENT_ID": "", "TENANCY_CLIENT_SECRET": ""]
        )
        #expect(accepted.status == 0, "\(accepted.errors)")
        let member = try JSONCoding.decode(CommandResult.self, from: Data(accepted.output.utf8))
        let home = try #require(result.created["workspace_id"])
        #expect(member.created["workspace_id"] == home)
        let memberClientID = try #require(member.created["client_id"])
        let memberSecret = try #require(member.secrets?["client_secret"])
        let keys = try await deployment.cli(["key", "list", home, "--json", "--as-operator"], lifecyclePort: port)
        #expect(keys.status == 0 && keys.output.contains(memberClientID))
        #expect(!keys.output.contains(memberSecret), "key listings never show secrets")
        let invitations = try await deployment.cli(["user", "invitations", home, "--json", "--as-operator"], lifecyclePort: port)
        #expect(invitations.output.contains(#""status":"accepted""#))

        let runner = try await deployment.cli(["runner", "create", "edge-1", "--platform", "docker"], environment: owner)
        #expect(runner.status == 0 && runner.output.contains("install_command: docker run"), "\(runner.errors)")
        let runners = try await deployment.cli(["runner", "list", home, "--json", "--as-operator"], lifecyclePort: port)
        #expect(runners.output.contains(#""name":"edge-1""#) && !runners.output.contains("TENANCY_RUNNER_TOKEN"))

        let secretValue = "xoxb-e2e-\(UUID().uuidString)"
        let integration = try await deployment.cli(
            [
                "integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts", "--param", "channel=#sec", "--secret-env",
                "token=SLACK_TOKEN", "--json",
            ],
            environment: owner.merging(["SLACK_TOKEN": secretValue]) { _, new in new }
        )
        #expect(integration.status == 0, "\(integration.errors)")
        let listed = try await deployment.cli(["integration", "list", home, "--kind", "step", "--json", "--as-operator"], lifecyclePort: port)
        #expect(listed.output.contains(#""secret_fields":["token"]"#))
        // The secret value is nowhere in clear: result, listing, log, or the database files.
        for text in [integration.output, listed.output, lifecycle.log] {
            #expect(!text.contains(secretValue))
        }
        let databaseBytes = ["", "-wal"].compactMap { FileManager.default.contents(atPath: deployment.database("lifecycle") + $0) }
        #expect(!databaseBytes.isEmpty && !databaseBytes.contains { $0.range(of: Data(secretValue.utf8)) != nil })

        let workflowFile = deployment.directory.appendingPathComponent("triage.yaml")
        try "name: triage\nsteps:\n  - run: notify\n".write(to: workflowFile, atomically: true, encoding: .utf8)
        let imported = try await deployment.cli(["workflow", "import", workflowFile.path, "--name", "Triage", "--json"], environment: owner)
        let workflowID = try #require(try JSONCoding.decode(CommandResult.self, from: Data(imported.output.utf8)).created["workflow_id"])
        #expect(try await deployment.cli(["workflow", "update", workflowID, workflowFile.path], environment: owner).status == 0)
        #expect(try await deployment.cli(["workflow", "publish", workflowID], environment: owner).status == 0)
        #expect(try await deployment.cli(["workflow", "tag", workflowID, "--add", "soc"], environment: owner).status == 0)
        let shownWorkflow = try await deployment.cli(["workflow", "show", workflowID, "--json", "--as-operator"], lifecyclePort: port)
        let view = try JSONSerialization.jsonObject(with: Data(shownWorkflow.output.utf8)) as? [String: Any]
        #expect(
            view?["current_revision_id"] as? String != nil && view?["current_revision_id"] as? String == view?["published_revision_id"] as? String
        )
        #expect(view?["tags"] as? [String] == ["soc"])

        // The secret is not in the service's log.
        #expect(!lifecycle.log.contains(owner["TENANCY_CLIENT_SECRET"]!))
        #expect(!lifecycle.log.contains(deployment.operatorCredential.secret))
    }
}
