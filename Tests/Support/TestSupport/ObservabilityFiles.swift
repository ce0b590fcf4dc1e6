import Foundation

/// What deploy/observability ships, as the tests read it: the Grafana dashboards' queries, the
/// metric names a query names, and the Prometheus tools deploy/local/setup.sh unpacks.
public enum ObservabilityFiles {
    public static let directory = Repository.root.appendingPathComponent("deploy/observability")

    /// Where setup.sh unpacks Debian's prometheus package (TENANCY_PROMETHEUS_DIR overrides it).
    public static func tool(_ name: String) throws -> String {
        let root =
            ProcessInfo.processInfo.environment["TENANCY_PROMETHEUS_DIR"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/tenancy/prometheus").path
        let path = root + "/usr/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(name) not found at \(path): run deploy/local/setup.sh, or set TENANCY_PROMETHEUS_DIR")
        }
        return path
    }

    /// Every dashboard by file name without `.json` (`overview`, `sharing`, ...), with the PromQL of
    /// each of its panels' queries.
    public static func dashboards() throws -> [String: [String]] {
        let folder = directory.appendingPathComponent("grafana")
        var queries: [String: [String]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".json") {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            guard let dashboard = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TestSupportError("\(file) is not a JSON object")
            }
            let panels = dashboard["panels"] as? [[String: Any]] ?? []
            queries[String(file.dropLast(5))] = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        }
        return queries
    }

    /// The metric names a PromQL expression selects: Tenancy's own (`tenancy_`) and the process's (`process_`).
    public static func metricNames(in expression: String) -> Set<String> {
        Set(expression.matches(of: /\b(?:tenancy|process)_[a-z_]+\b/).map { String($0.output) })
    }
}
