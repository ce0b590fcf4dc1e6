import Foundation
import TestSupport
import Testing

/// The shipped dashboards and alert rules against running services: a real Prometheus (Debian's,
/// unpacked by deploy/local/setup.sh) scrapes them with the configuration `run.sh --observability`
/// uses. Then every metric a dashboard names exists at the service the dashboard is for (the
/// overview's and the rules' at some service), every query runs, and every rule evaluates.
struct PrometheusCheck {
    let port: Int

    static func run(opsPorts: [String: Int], directory: URL) async throws {
        let configuration = directory.appendingPathComponent("prometheus.yml")
        let targets = opsPorts.sorted { $0.key < $1.key }.map { "\($0.key)=127.0.0.1:\($0.value)" }
        let generated = try await runToCompletion(
            ObservabilityFiles.directory.appendingPathComponent("prometheus/config.sh").path,
            ["--interval", "1s"] + targets
        )
        try #require(generated.status == 0, "\(generated.errors)")
        try generated.output.write(to: configuration, atomically: true, encoding: .utf8)
        let port = try FreePort.next()
        let process = try ChildProcess(
            executable: try ObservabilityFiles.tool("prometheus"),
            arguments: [
                "--config.file=\(configuration.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("prometheus-data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ],
            logFile: directory.appendingPathComponent("prometheus.log")
        )
        defer { process.stop() }
        let check = PrometheusCheck(port: port)
        do {
            try await check.verify(services: Set(opsPorts.keys))
        } catch {
            Issue.record("\(error)\nPrometheus' log:\n\(process.log.suffix(2_000))")
        }
    }

    private func verify(services: Set<String>) async throws {
        try await Wait.until("Prometheus scrapes all \(services.count) services", timeout: .seconds(60), every: .milliseconds(500)) {
            (try? await query("count(up == 1)").first?.value) == Double(services.count)
        }
        let dashboards = try ObservabilityFiles.dashboards()
        for (dashboard, queries) in dashboards {
            let names = queries.reduce(into: Set<String>()) { $0.formUnion(ObservabilityFiles.metricNames(in: $1)) }
            for name in names.sorted() {
                let reporting = try await servicesReporting(name)
                if services.contains(dashboard) {
                    #expect(reporting.contains(dashboard), "\(dashboard)'s dashboard shows \(name), which \(dashboard) does not report")
                } else {
                    #expect(!reporting.isEmpty, "the \(dashboard) dashboard shows \(name), which no service reports")
                }
            }
            for expression in queries {
                _ = try await query(expression.replacingOccurrences(of: "$service", with: ".+"))
            }
        }
        try await Wait.until("every alert rule has been evaluated", timeout: .seconds(30), every: .milliseconds(500)) {
            try await rules().allSatisfy { $0.evaluated }
        }
        let evaluated = try await rules()
        #expect(evaluated.count >= 10)
        for rule in evaluated {
            #expect(rule.health == "ok", "rule \(rule.name): \(rule.health)")
            for name in ObservabilityFiles.metricNames(in: rule.query) {
                #expect(try await !servicesReporting(name).isEmpty, "rule \(rule.name) watches \(name), which no service reports")
            }
        }
    }

    /// The `service` labels of the series named `name` Prometheus holds now.
    private func servicesReporting(_ name: String) async throws -> Set<String> {
        Set(try await query(#"count by (service) ({__name__="\#(name)"})"#).compactMap { $0.labels["service"] })
    }

    /// Runs an instant query; throws when Prometheus refuses it.
    private func query(_ expression: String) async throws -> [(labels: [String: String], value: Double)] {
        let body = try await get("/api/v1/query?query=" + Self.encoded(expression), what: expression)
        let data = body["data"] as? [String: Any]
        return (data?["result"] as? [[String: Any]] ?? []).map { series in
            let value = (series["value"] as? [Any])?.last as? String
            return (series["metric"] as? [String: String] ?? [:], value.flatMap(Double.init) ?? .nan)
        }
    }

    private func rules() async throws -> [(name: String, query: String, health: String, evaluated: Bool)] {
        let body = try await get("/api/v1/rules", what: "the rules")
        let groups = (body["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }.map { rule in
            (
                rule["name"] as? String ?? "", rule["query"] as? String ?? "", rule["health"] as? String ?? "",
                (rule["lastEvaluation"] as? String).map { !$0.hasPrefix("0001") } ?? false
            )
        }
    }

    private func get(_ path: String, what: String) async throws -> [String: Any] {
        guard let answer = await httpGet(port: port, path: path) else { throw TestSupportError("Prometheus did not answer for \(what)") }
        guard answer.status == 200, let body = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            body["status"] as? String == "success"
        else { throw TestSupportError("Prometheus refused \(what): \(answer.status) \(answer.body.prefix(500))") }
        return body
    }

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        )
            ?? text
    }
}
