import Metrics
import MetricsTestKit
import Models
import Testing

@testable import Pipeline

/// What a sender writes in `ce_type` never becomes a metric label: only the service's own types do.
@Suite("Metric labels")
struct MetricLabelTests {
    @Test func unknownTypesShareOneLabel() throws {
        let factory = TestMetrics()
        let metrics = PipelineMetrics(factory: factory, knownTypes: [CreateWorkspace.messageType])
        metrics.command(type: CreateWorkspace.messageType.rawValue, status: .accepted, code: nil)
        for index in 0..<100 {
            metrics.command(type: "tenancy.made.Up\(index).v1", status: .rejected, code: .unknownType)
        }
        metrics.handled(type: String(repeating: "x", count: 100_000), seconds: 0.001)

        let commandSeries = factory.counters.filter { $0.label == "tenancy_commands_total" }
        #expect(commandSeries.count == 2, "one series for the known type, one for every other")
        let unknown = try factory.expectCounter("tenancy_commands_total", [("type", "unknown"), ("status", "rejected"), ("code", "unknown_type")])
        #expect(unknown.totalValue == 100)
        #expect(
            try factory.expectCounter("tenancy_commands_total", [("type", CreateWorkspace.messageType.rawValue), ("status", "accepted")]).totalValue
                == 1
        )
        #expect(factory.timers.filter { $0.label == "tenancy_handler_duration_seconds" }.map { $0.dimensions.map(\.1) } == [["unknown"]])
    }
}
