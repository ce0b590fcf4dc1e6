import Foundation

/// Reports of an earlier revision's bench (on its own binaries) set against this one's, run in
/// turns on one machine (`deploy/local/bench.sh --against REV`): CPU targets are ratios to the
/// earlier revision, latency and start-up targets differences from the broker alone in the same run,
/// since absolute figures on a shared machine drift from one day to the next.
struct BenchComparison {
    /// What the comparison reads of a report; what older reports lack is nil.
    struct Run: Decodable {
        struct Service: Decodable {
            var name: String
            var cpuSecondsPerThousandCommands: Double
            var peakResidentMegabytesDuringLoad: Double
            var writtenKilobytesPerCommand: Double?
            var startupToReadySeconds: Double?
        }
        struct Throughput: Decodable { var commandsPerSecond: Double }
        struct Latency: Decodable { var p99Milliseconds: Double }
        struct RawLatency: Decodable { var latency: Latency }
        struct Stored: Decodable {
            var sharingCPUSecondsPerThousandCommands: Double?
            // The keys as snake case comes back from the file ("cpu" becomes "Cpu").
            enum CodingKeys: String, CodingKey { case sharingCPUSecondsPerThousandCommands = "sharingCpuSecondsPerThousandCommands" }
        }

        var throughput: Throughput
        var throughputRatioToLikeForLike: Double?
        var latency: Latency
        var rawLatency: RawLatency
        var sharingCPUSecondsPerThousandAtRate: Double?
        var brokerAloneGroupJoinSeconds: Double?
        var services: [Service]
        var storedShares: Stored?

        func service(_ name: String) -> Service? { services.first { $0.name == name } }

        enum CodingKeys: String, CodingKey {
            case throughput, throughputRatioToLikeForLike, latency, rawLatency, brokerAloneGroupJoinSeconds, services, storedShares
            case sharingCPUSecondsPerThousandAtRate = "sharingCpuSecondsPerThousandAtRate"
        }
    }

    /// One measure: each run's figure before and after, and what is compared with the target.
    struct Row: Codable {
        var measure: String
        var before: [Double]
        var after: [Double]
        /// The mean after over the mean before, or the mean after alone, as `target` says.
        var result: Double?
        var target: String
        var met: Bool?
    }

    var rows: [Row]

    init(before: [Run], after: [Run]) {
        func figures(_ runs: [Run], _ figure: (Run) -> Double?) -> [Double] { runs.compactMap(figure) }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func ratio(_ measure: String, at most: Double?, _ figure: (Run) -> Double?) -> Row {
            let (old, new) = (figures(before, figure), figures(after, figure))
            let result = mean(new).flatMap { new in mean(old).map { new / $0 } }
            return Row(
                measure: measure,
                before: old,
                after: new,
                result: result,
                target: most.map { "after / before <= \(Self.format($0))" } ?? "after / before",
                met: most.flatMap { most in result.map { $0 <= most } }
            )
        }
        func value(_ measure: String, atMost most: Double? = nil, atLeast least: Double? = nil, _ figure: (Run) -> Double?) -> Row {
            let (old, new) = (figures(before, figure), figures(after, figure))
            let result = mean(new)
            return Row(
                measure: measure,
                before: old,
                after: new,
                result: result,
                target: most.map { "after <= \(Self.format($0))" } ?? least.map { "after >= \(Self.format($0))" } ?? "",
                met: result.map { result in most.map { result <= $0 } ?? least.map { result >= $0 } ?? true }
            )
        }
        rows = [
            ratio("throughput, commands/s", at: nil) { $0.throughput.commandsPerSecond },
            ratio("Sharing CPU s per 1000 commands (throughput)", at: 0.40) { $0.service("sharing")?.cpuSecondsPerThousandCommands },
            ratio("Lifecycle CPU s per 1000 commands of the mix", at: 0.50) { $0.service("lifecycle")?.cpuSecondsPerThousandCommands },
            value("Sharing KB written per command", atMost: 25) { $0.service("sharing")?.writtenKilobytesPerCommand },
            value("Sharing CPU at stored shares / none stored", atMost: 1.5) { run in
                run.storedShares?.sharingCPUSecondsPerThousandCommands.flatMap { stored in run.sharingCPUSecondsPerThousandAtRate.map { stored / $0 }
                }
            },
            value("throughput / like-for-like baseline", atLeast: 0.35) { $0.throughputRatioToLikeForLike },
            value("p99 at the latency rate minus the broker's, ms", atMost: 20) {
                $0.latency.p99Milliseconds - $0.rawLatency.latency.p99Milliseconds
            },
            value("Sharing ready at stored shares minus the bare group join, s", atMost: 0.5) { run in
                run.service("sharing")?.startupToReadySeconds.flatMap { ready in run.brokerAloneGroupJoinSeconds.map { ready - $0 } }
            },
            value("Sharing peak RSS during the throughput backlog, MB", atMost: 120) {
                $0.service("sharing")?.peakResidentMegabytesDuringLoad
            },
            value("Lifecycle peak RSS during the throughput backlog, MB", atMost: 120) {
                $0.service("lifecycle")?.peakResidentMegabytesDuringLoad
            },
        ]
    }

    /// Reads the reports each revision's bench wrote.
    init(beforeFiles: [String], afterFiles: [String]) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        func runs(_ files: [String]) throws -> [Run] {
            try files.map { try decoder.decode(Run.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
        }
        self.init(before: try runs(beforeFiles), after: try runs(afterFiles))
    }

    var table: String {
        func list(_ values: [Double]) -> String { values.isEmpty ? "-" : values.map(Self.format).joined(separator: " / ") }
        let header =
            "measure".padding(toLength: 62, withPad: " ", startingAt: 0) + "before".padding(toLength: 20, withPad: " ", startingAt: 0)
            + "after".padding(toLength: 20, withPad: " ", startingAt: 0) + "result   target"
        return
            ([header]
            + rows.map { row in
                row.measure.padding(toLength: 62, withPad: " ", startingAt: 0)
                    + list(row.before).padding(toLength: 20, withPad: " ", startingAt: 0)
                    + list(row.after).padding(toLength: 20, withPad: " ", startingAt: 0)
                    + (row.result.map(Self.format) ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0)
                    + row.target + (row.met.map { $0 ? "  met" : "  NOT met" } ?? "")
            }).joined(separator: "\n")
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(rows)
    }

    private static func format(_ value: Double) -> String {
        String(format: abs(value) >= 100 ? "%.0f" : abs(value) >= 10 ? "%.1f" : abs(value) >= 1 ? "%.2f" : "%.3f", value)
    }
}
