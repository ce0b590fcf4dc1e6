import Foundation

/// What Linux reports about a running process: resident memory and CPU time used.
struct ProcessStats: Codable {
    var residentMegabytes: Double
    var peakResidentMegabytes: Double
    var cpuSeconds: Double

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
        return ProcessStats(residentMegabytes: kilobytes("VmRSS") / 1_024, peakResidentMegabytes: kilobytes("VmHWM") / 1_024, cpuSeconds: cpu)
    }
}

/// The machine the numbers were measured on.
struct MachineFacts: Codable {
    var cpu: String
    var cores: Int
    var memoryGigabytes: Double
    var kernel: String

    static func current() -> MachineFacts {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let kilobytes = Double(meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }?.split(separator: " ").dropFirst().first ?? "0") ?? 0
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        return MachineFacts(cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, memoryGigabytes: (kilobytes / 1_048_576 * 10).rounded() / 10, kernel: kernel)
    }
}
