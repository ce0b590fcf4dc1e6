import Foundation
import TestSupport
import Testing

/// deploy/observability holds up without a running service: the alert rules pass promtool's check
/// and their unit tests, every dashboard query is valid PromQL, the dashboards are what their
/// generator writes, and every alert's runbook is a section of docs/operations.md.
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
