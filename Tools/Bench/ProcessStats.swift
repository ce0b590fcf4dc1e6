import Foundation

/// What Linux reports about a running process: resident memory, CPU time used and bytes it
/// caused to be written to storage.
struct ProcessStats: Codable {
    var residentMegabytes: Double
    var peakResidentMegabytes: Double
    var cpuSeconds: Double
    /// `write_bytes` of `/proc/<pid>/io`: what the process sent to the storage layer (its database,
    /// log and checkpoints), not what it handed to the page cache and later overwrote.
    var writtenBytes: Double

    static func of(pid: Int32) throws -> ProcessStats {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kilobytes(_ field: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name) are user and system time in ticks.
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpu = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
        let io = (try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)) ?? ""
        let written = io.split(separator: "\n").first { $0.hasPrefix("write_bytes:") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        return ProcessStats(
            residentMegabytes: kilobytes("VmRSS") / 1_024,
            peakResidentMegabytes: kilobytes("VmHWM") / 1_024,
            cpuSeconds: cpu,
            writtenBytes: written ?? 0
        )
    }

    /// CPU seconds used since `earlier` per 1,000 of `commands`.
    func cpuSecondsPerThousand(since earlier: ProcessStats, commands: Int) -> Double {
        (cpuSeconds - earlier.cpuSeconds) / (Double(commands) / 1_000)
    }
}

/// CPU time used so far by the broker, this process (the load generator) and the whole machine,
/// to say where the cores went during a phase.
struct CPUSnapshot {
    var brokerSeconds: Double?
    var loadGeneratorSeconds: Double
    var machineBusySeconds: Double
    var machineSeconds: Double

    static func take(brokerPID: Int32?) throws -> CPUSnapshot {
        // The first line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks, over all cores.
        let stat = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
        let ticks = (stat.split(separator: "\n").first ?? "").split(separator: " ").dropFirst().prefix(8).map { Double($0) ?? 0 }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let total = ticks.reduce(0, +) / perSecond
        let idle = (ticks.count > 4 ? ticks[3] + ticks[4] : 0) / perSecond
        return CPUSnapshot(
            brokerSeconds: try brokerPID.map { try ProcessStats.of(pid: $0).cpuSeconds },
            loadGeneratorSeconds: try ProcessStats.of(pid: getpid()).cpuSeconds,
            machineBusySeconds: total - idle,
            machineSeconds: total
        )
    }

    /// What was used between `earlier` and this snapshot, per 1,000 of `count` commands or records.
    func use(since earlier: CPUSnapshot, count: Int) -> CPUUse {
        let thousands = Double(max(count, 1)) / 1_000
        let broker: Double? = if let now = brokerSeconds, let then = earlier.brokerSeconds { (now - then) / thousands } else { nil }
        return CPUUse(
            brokerSecondsPerThousand: broker,
            loadGeneratorSecondsPerThousand: (loadGeneratorSeconds - earlier.loadGeneratorSeconds) / thousands,
            machineBusyFraction: (machineBusySeconds - earlier.machineBusySeconds) / max(machineSeconds - earlier.machineSeconds, 0.001)
        )
    }
}

/// CPU seconds per 1,000 commands (or records) of a phase, and how busy all cores were during it.
struct CPUUse: Codable {
    /// Nil when the broker is not one this process started.
    var brokerSecondsPerThousand: Double?
    var loadGeneratorSecondsPerThousand: Double
    var machineBusyFraction: Double
}

/// The machine the numbers were measured on.
struct MachineFacts: Codable {
    var cpu: String
    var cores: Int
    var memoryGigabytes: Double
    var kernel: String

    static func current() -> MachineFacts {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces)
            ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let kilobytes = Double(meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }?.split(separator: " ").dropFirst().first ?? "0") ?? 0
        let kernel =
            (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        return MachineFacts(
            cpu: model,
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGigabytes: (kilobytes / 1_048_576 * 10).rounded() / 10,
            kernel: kernel
        )
    }
}
