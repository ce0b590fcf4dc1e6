import Foundation
import Models
import TestSupport
import Testing

/// One trace per command, across every service it reaches, exported over OTLP to a real receiver;
/// and every log line a service writes in JSON, naming the trace of the command it handles.
@Suite("End to end: traces and JSON logs", .serialized, .timeLimit(.minutes(10)))
struct TracingEndToEndTests {
    static let services = ["lifecycle", "sharing", "deactivation", "notifications"]

    @Test func aCommandIsOneConnectedTraceAcrossTheServicesAndEveryLogLineIsJSON() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let receiver = try await OTLPReceiver.start()
        defer { receiver.stop() }
        let deployment = try Deployment(broker: broker)
        let tracing = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100", "TENANCY_LOG_FORMAT": "json",
            "TENANCY_LOG_LEVEL": "debug",
        ]
        var ports: [String: Int] = [:]
        var processes: [ChildProcess] = []
        defer { for process in processes { process.stop(signal: SIGKILL) } }
        for service in Self.services {
            let extra = service == "notifications" ? NotificationsEndToEndTests.smtp(mail.port) : [:]
            let started = try await deployment.startReady(service, environment: tracing.merging(extra) { $1 })
            ports[service] = started.port
            processes.append(started.process)
        }
        let stack = Stack(
            deployment: deployment,
            lifecyclePort: ports["lifecycle"]!,
            sharingPort: ports["sharing"]!,
            deactivationPort: ports["deactivation"],
            notificationsPort: ports["notifications"]
        )
        let exporting = ["TENANCY_OTLP_ENDPOINT": receiver.endpoint]

        // Ana owns Home and Ops: her share of Home's integration with Ops is accepted at once.
        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: exporting)
        let organization = try #require(org.created["organization_id"])
        let ana = try Stack.key(org).merging(exporting) { $1 }
        _ = try await stack.accepted(
            [
                "org", "features", organization, "--as-operator", "--enable", "workspace_creation", "--enable", "cross_workspace_sharing",
                "--enable", "workspace_deactivation",
            ],
            as: exporting
        )
        let ops = try await stack.accepted(["workspace", "create", "--name", "Ops"], as: ana)
        let opsID = try #require(ops.created["workspace_id"])
        let integration = try #require(
            try await stack.accepted(
                ["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts", "--secret-env", "token=T"],
                as: ana.merging(["T": "xoxb-traced-secret"]) { $1 }
            ).created["integration_id"]
        )
        let share = try await stack.accepted(["share", "create", integration, "--to", opsID], as: ana)
        #expect(share.created["status"] == "accepted")

        // The share: the CLI's span, Sharing's decision, Lifecycle's copy and Notifications' reading
        // of the events, one trace.
        let shared = try await Self.trace(
            of: share.commandID,
            in: receiver,
            reaching: ["tenancy-sharing", "tenancy-lifecycle", "tenancy-notifications"]
        )
        #expect(shared.contains { $0.service == "tenancy-sharing" && $0.name == "process \(CreateShareRequest.messageType)" })
        #expect(shared.contains { $0.service == "tenancy-sharing" && $0.name == "decide" })
        #expect(shared.contains { $0.service == "tenancy-sharing" && $0.name == "commit" })
        #expect(shared.contains { $0.service == "tenancy-sharing" && $0.name.hasPrefix("publish ") })
        let process = try #require(shared.first { $0.name == "process \(CreateShareRequest.messageType)" })
        #expect(process.attributes["tenancy.command.outcome"]?.description == "accepted")
        #expect(process.attributes["tenancy.command.id"]?.description == share.commandID)

        // Deactivating Ops: Deactivation, Lifecycle and Sharing take part, Notifications emails, all
        // in the trace the CLI started.
        let deactivation = try await stack.accepted(["workspace", "deactivate", opsID], as: Stack.key(ops).merging(exporting) { $1 })
        let operation = try #require(deactivation.created["operation_id"])
        try await Wait.until("deactivated", timeout: .seconds(60), every: .milliseconds(250)) {
            (try? await stack.read(["workspace", "operation", operation]))?["status"] as? String == "deactivated"
        }
        let deactivated = try await Self.trace(
            of: deactivation.commandID,
            in: receiver,
            reaching: ["tenancy-deactivation", "tenancy-lifecycle", "tenancy-sharing", "tenancy-notifications"],
            with: "smtp send"
        )
        let sent = deactivated.filter { $0.name == "smtp send" }
        #expect(!sent.isEmpty && sent.allSatisfy { $0.service == "tenancy-notifications" && $0.status != 2 })

        // Nothing secret in any span or log line: not the integration's token, not a credential.
        let secrets = [
            "xoxb-traced-secret", try #require(Stack.key(org)["TENANCY_CLIENT_SECRET"]), try #require(Stack.key(ops)["TENANCY_CLIENT_SECRET"]),
            deployment.operatorCredential.secret,
        ]
        let exported = receiver.rawText()
        #expect(!exported.lowercased().contains("authorization"))
        #expect(!exported.contains("@acme.example"), "no recipient or owner address in a span")
        for secret in secrets {
            #expect(!exported.contains(secret), "a secret in the exported spans")
            #expect(!processes.contains { $0.log.contains(secret) }, "a secret in a service's log")
        }

        // Every line each service wrote is one JSON object with the fixed fields; each line written
        // while it handled a command names the command and its trace.
        var handled = 0
        for (service, process) in zip(Self.services, processes) {
            for line in process.log.split(separator: "\n") {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                guard let object else {
                    Issue.record("\(service) wrote a line that is not a JSON object: \(line.prefix(300))")
                    continue
                }
                #expect(object["service"] as? String == service && object["instance"] is String && object["time"] is String)
                #expect(object["level"] is String && object["message"] is String)
                if object["command.id"] != nil {
                    handled += 1
                    #expect(object["trace_id"] is String && object["command.type"] is String, "\(line.prefix(300))")
                }
            }
        }
        #expect(handled >= 6, "the services logged the commands they answered")
    }

    /// The spans of the trace the CLI started for `commandID`, once every service of `services` (and
    /// a span named `name`, if given) is in it; checks it is one tree under the CLI's span.
    static func trace(
        of commandID: String,
        in receiver: OTLPReceiver,
        reaching services: Set<String>,
        with name: String? = nil
    ) async throws -> [OTLPReceiver.ReceivedSpan] {
        var spans: [OTLPReceiver.ReceivedSpan] = []
        try await Wait.until("the trace of \(commandID) reaches \(services.sorted())", timeout: .seconds(30), every: .milliseconds(250)) {
            let all = try receiver.spans()
            guard let root = all.first(where: { $0.service == "tenancy-cli" && $0.attributes["tenancy.command.id"]?.description == commandID }) else {
                return false
            }
            spans = all.filter { $0.traceID == root.traceID }
            return services.isSubset(of: Set(spans.map(\.service))) && (name.map { name in spans.contains { $0.name == name } } ?? true)
        }
        let ids = Set(spans.map(\.spanID))
        let roots = spans.filter { $0.parentSpanID.isEmpty }
        #expect(roots.count == 1 && roots.first?.service == "tenancy-cli", "one root, the CLI's: \(roots.map(\.name))")
        let orphans = spans.filter { !$0.parentSpanID.isEmpty && !ids.contains($0.parentSpanID) }
        #expect(orphans.isEmpty, "spans whose parent is not in the trace: \(orphans.map { "\($0.service) \($0.name)" })")
        return spans
    }
}
