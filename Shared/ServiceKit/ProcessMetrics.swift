import Foundation
import Prometheus
import Synchronization

/// The process's own figures under Prometheus' conventional names, read from `/proc` at each
/// scrape: resident memory, CPU seconds, open file descriptors and start time. Dashboards plot them
/// per instance beside the pipeline's series; elsewhere than Linux nothing is reported.
final class ProcessMetrics: Sendable {
    /// One reading of `/proc/self`.
    struct Sample: Equatable {
        var residentBytes: Double
        var cpuSeconds: Double
        /// Seconds since 1970.
        var startTime: Double
    }

    private let resident: Gauge
    private let cpu: Counter
    private let start: Gauge
    private let openDescriptors: Gauge
    /// The CPU seconds already counted: the counter only grows by what was spent since.
    private let countedCPU = Mutex<Double>(0)

    init(registry: PrometheusCollectorRegistry) {
        resident = registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "process_resident_memory_bytes", unitName: "", helpText: "Resident memory size in bytes.")
        )
        cpu = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "process_cpu_seconds_total",
                unitName: "",
                helpText: "User and system CPU time spent in seconds."
            )
        )
        start = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_start_time_seconds",
                unitName: "",
                helpText: "Start time of the process since the epoch in seconds."
            )
        )
        openDescriptors = registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "process_open_fds", unitName: "", helpText: "Number of open file descriptors.")
        )
    }

    /// Brings the series up to date; called before each scrape is written.
    func update() {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let procStat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let bootTime = Self.bootTime(procStat: procStat),
            let sample = Self.parse(
                stat: stat,
                statm: statm,
                bootTime: bootTime,
                ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                pageSize: Double(sysconf(Int32(_SC_PAGESIZE)))
            )
        else { return }
        resident.set(to: sample.residentBytes)
        start.set(to: sample.startTime)
        let spent = countedCPU.withLock { counted in
            defer { counted = max(counted, sample.cpuSeconds) }
            return sample.cpuSeconds - counted
        }
        if spent > 0 { cpu.increment(by: spent) }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openDescriptors.set(to: Double(descriptors.count))
        }
    }

    /// Reads `/proc/self/stat` (fields counted after the command name, which may hold spaces and
    /// parentheses: utime and stime are the 14th and 15th fields, starttime the 22nd, in clock
    /// ticks) and `/proc/self/statm` (resident pages second).
    static func parse(stat: String, statm: String, bootTime: Double, ticksPerSecond: Double, pageSize: Double) -> Sample? {
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        // After ")": field 3 (state) onwards.
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        let pages = statm.split(separator: " ")
        guard let utime = field(14), let stime = field(15), let started = field(22), pages.count > 1, let residentPages = Double(pages[1]) else {
            return nil
        }
        return Sample(
            residentBytes: residentPages * pageSize,
            cpuSeconds: (utime + stime) / ticksPerSecond,
            startTime: bootTime + started / ticksPerSecond
        )
    }

    /// The `btime` line of `/proc/stat`: when the machine booted, in seconds since 1970.
    static func bootTime(procStat: String) -> Double? {
        procStat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
    }
}
