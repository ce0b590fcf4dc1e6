import Foundation
import Prometheus
import Testing

@testable import ServiceKit

@Suite("The process figures read from /proc")
struct ProcessMetricsTests {
    /// A command name with a space and a parenthesis, as a process may name itself: the fields are
    /// counted after the last ")".
    static let stat =
        "4242 (tenancy (x) 1) S 1 4242 4242 0 -1 4194560 1200 0 0 0 350 150 0 0 20 0 9 0 12000 812345344 30000 18446744073709551615"

    @Test func cpuIsUserPlusSystemTicksAndStartIsBootPlusStartTicks() throws {
        let sample = try #require(
            ProcessMetrics.parse(
                stat: Self.stat,
                statm: "198321 25600 4096 120 0 90000 0\n",
                bootTime: 1_700_000_000,
                ticksPerSecond: 100,
                pageSize: 4096
            )
        )
        #expect(sample.cpuSeconds == 5.0)
        #expect(sample.startTime == 1_700_000_120)
        #expect(sample.residentBytes == 25_600 * 4096)
    }

    @Test func aTruncatedStatLineGivesNothing() {
        #expect(ProcessMetrics.parse(stat: "4242 (tenancy) S 1 4242", statm: "1 2", bootTime: 0, ticksPerSecond: 100, pageSize: 4096) == nil)
        #expect(ProcessMetrics.parse(stat: Self.stat, statm: "1", bootTime: 0, ticksPerSecond: 100, pageSize: 4096) == nil)
    }

    @Test func bootTimeIsTheBtimeLine() {
        #expect(ProcessMetrics.bootTime(procStat: "cpu  1 2 3\nintr 5\nbtime 1764300000\nprocesses 9\n") == 1_764_300_000)
        #expect(ProcessMetrics.bootTime(procStat: "cpu  1 2 3\n") == nil)
    }

    /// This very process, through a registry: every series is there, memory and CPU above zero,
    /// started before now and after the machine booted.
    @Test func thisProcessIsReported() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ProcessMetrics(registry: registry)
        metrics.update()
        let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        #expect(try #require(value("process_resident_memory_bytes")) > 1_000_000)
        #expect(try #require(value("process_cpu_seconds_total")) > 0)
        #expect(try #require(value("process_open_fds")) >= 3)
        let started = try #require(value("process_start_time_seconds"))
        #expect(started <= Date().timeIntervalSince1970 && started > Date().timeIntervalSince1970 - 86_400 * 365)
    }
}
