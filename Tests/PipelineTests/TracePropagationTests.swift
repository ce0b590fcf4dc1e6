import Foundation
import GRDB
import Kafka
import Messaging
import MetricsTestKit
import Models
import TestSupport
import Testing

@testable import Pipeline

/// With no tracer (no OTLP endpoint), a service records no span but passes the trace context a
/// command came with on to everything it queues for it, as the W3C asks of such a participant.
@Suite("Trace context passed on")
struct TracePropagationTests {
    /// The forwarding tests' handler and commands, each read in the partition of its workspace's task.
    let fixture: ForwardingTests

    init() throws {
        fixture = try ForwardingTests()
    }

    func command(id: String, offset: Int64, trace: TraceContext?) -> KafkaConsumedMessage {
        let partition = KeyPartitioner.partition(of: "ws_a", count: ForwardingTests.partitions)
        return fixture.command(id: id, of: "a", key: "ws_a", partition: partition, offset: offset, trace: trace)
    }

    func header(_ name: String, of record: KafkaRecord) -> String? {
        record.headers.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    @Test func theResultCarriesTheCommandsTraceAndAnUntracedCommandsResultNone() async throws {
        let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "vendor=1"))
        try await fixture.processor.process([command(id: "traced", offset: 0, trace: trace), command(id: "untraced", offset: 1, trace: nil)])
        let results = try await fixture.outbox()
        let traced = try #require(results.first { header("ce_subject", of: $0) == "traced" })
        #expect(header("ce_traceparent", of: traced) == trace.traceparent)
        #expect(header("ce_tracestate", of: traced) == "vendor=1")
        let untraced = try #require(results.first { header("ce_subject", of: $0) == "untraced" })
        #expect(header("ce_traceparent", of: untraced) == nil && header("ce_tracestate", of: untraced) == nil)
        #expect(MessageTracing.current == nil, "nothing is left bound after the batch")
    }

    /// What every line logged while the command is processed carries.
    @Test func logLinesNameTheTraceAndTheCommand() {
        let trace = TraceContext.start()
        var span = MessageTracing.start("process x", kind: .consumer, parent: trace)
        span.logMetadata["command.id"] = "c-1"
        MessageTracing.$current.withValue(span) {
            let metadata = MessageTracing.logMetadata.get()
            #expect(metadata["trace_id"] == "\(trace.traceID)" && metadata["command.id"] == "c-1")
            #expect(metadata["span_id"] == nil, "no span id of its own when no span records")
        }
        #expect(MessageTracing.logMetadata.get().isEmpty)
    }
}
