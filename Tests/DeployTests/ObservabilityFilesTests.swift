import Foundation
import TestSupport
import Testing
import Yams

/// deploy/observability holds up without a running service: the alert rules pass promtool's check
/// and their unit tests, every dashboard query is valid PromQL, the dashboards are what their
/// generator writes, every alert's runbook is a section of docs/operations.md, and the compose file
/// runs Prometheus, Grafana and a trace collector on these files.
@Suite("Dashboards and alert rules")
struct ObservabilityFilesTests {
    static let prometheus = ObservabilityFiles.directory.appendingPathComponent("prometheus")

    @Test func rulesPassPromtoolsCheckAndTheirUnitTests() async throws {
        let promtool = try ObservabilityFiles.tool("promtool")
        let check = try await runToCompletion(promtool, ["check", "rules", Self.prometheus.appendingPathComponent("rules.yml").path])
        #expect(check.status == 0, "\(check.output)\(check.errors)")
        let unitTests = try await runToCompletion(promtool, ["test", "rules", Self.prometheus.appendingPathComponent("rules.test.yml").path])
        #expect(unitTests.status == 0, "\(unitTests.output)\(unitTests.errors)")
        #expect(unitTests.output.contains("SUCCESS"))
    }

    /// Each query goes through promtool as a recording rule: a typo in PromQL fails here, not on a
    /// dashboard. `$service` (the overview's variable) becomes a regular expression matching all.
    @Test func everyDashboardQueryIsValidPromQL() async throws {
        let dashboards = try ObservabilityFiles.dashboards()
        #expect(Set(dashboards.keys) == ["overview", "lifecycle", "sharing", "notifications", "deactivation"])
        let queries = dashboards.values.flatMap { $0 }
        #expect(queries.count > 50)
        let rules = queries.enumerated().map { index, query in
            let expression = query.replacingOccurrences(of: "$service", with: ".+").replacingOccurrences(of: "'", with: "''")
            return "      - record: dashboard:query_\(index)\n        expr: '\(expression)'\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-queries-\(UUID().uuidString).yml")
        try ("groups:\n  - name: dashboards\n    rules:\n" + rules.joined()).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let check = try await runToCompletion(try ObservabilityFiles.tool("promtool"), ["check", "rules", file.path])
        #expect(check.status == 0, "\(check.output)\(check.errors)")
        #expect(check.output.contains("SUCCESS: \(queries.count) rules found"), "\(check.output)")
    }

    @Test func dashboardsAreWhatTheirGeneratorWrites() async throws {
        let run = try await runToCompletion(
            "/usr/bin/env",
            ["python3", ObservabilityFiles.directory.appendingPathComponent("dashboards.py").path, "--check"]
        )
        #expect(run.status == 0, "\(run.errors)")
    }

    /// Compose's Prometheus, Grafana and collector are given files that exist, Prometheus' passes
    /// promtool and scrapes the four services under their labels, and every service sends its spans
    /// to the collector. (The images cannot be pulled here: compose itself is checked by
    /// DeployFilesTests with `config`.)
    @Test func composeRunsPrometheusGrafanaAndATraceCollectorOnTheShippedFiles() async throws {
        let deploy = Repository.root.appendingPathComponent("deploy")
        let text = try String(contentsOf: deploy.appendingPathComponent("compose.yaml"), encoding: .utf8)
        let services = try #require((try Yams.load(yaml: text) as? [String: Any])?["services"] as? [String: [String: Any]])
        for name in ["prometheus", "grafana", "otel-collector", "jaeger"] {
            let service = try #require(services[name], "compose runs \(name)")
            for volume in service["volumes"] as? [String] ?? [] where volume.hasPrefix("./") {
                let source = String(volume.split(separator: ":")[0])
                #expect(
                    FileManager.default.fileExists(atPath: deploy.appendingPathComponent(source).path),
                    "\(name) mounts \(source), which is missing"
                )
            }
        }
        for name in ["lifecycle", "sharing", "notifications", "deactivation", "cli"] {
            let environment = services[name]?["environment"] as? [String: Any] ?? [:]
            #expect(environment["TENANCY_OTLP_ENDPOINT"] as? String == "http://otel-collector:4318", "\(name) exports its spans")
        }
        let configuration = Self.prometheus.appendingPathComponent("compose.yml")
        let check = try await runToCompletion(try ObservabilityFiles.tool("promtool"), ["check", "config", configuration.path])
        #expect(check.status == 0, "\(check.output)\(check.errors)")
        let scraped = try String(contentsOf: configuration, encoding: .utf8)
        for service in ["lifecycle", "sharing", "notifications", "deactivation"] {
            #expect(scraped.contains(#"{targets: ["\#(service):9090"], labels: {service: \#(service)}}"#))
        }
    }

    /// Every alert names a runbook anchor, and docs/operations.md has a heading with that anchor.
    @Test func everyAlertHasItsRunbook() throws {
        let rules = try String(contentsOf: Self.prometheus.appendingPathComponent("rules.yml"), encoding: .utf8)
        let alerts = rules.matches(of: /- alert: (\w+)/).map { String($0.output.1) }
        let runbooks = rules.matches(of: /runbook: "docs\/operations\.md#([a-z0-9-]+)"/).map { String($0.output.1) }
        #expect(alerts.count >= 10 && runbooks == alerts.map { $0.lowercased() }, "one runbook per alert, named after it")
        let operations = try String(contentsOf: Repository.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let anchors = Set(operations.matches(of: /\n#{2,4} ([^\n]+)/).map { $0.output.1.lowercased().filter { $0.isLetter || $0.isNumber } })
        for alert in alerts {
            #expect(anchors.contains(alert.lowercased()), "docs/operations.md has no section \(alert)")
        }
    }
}
