import Foundation
import Models
import Testing

@Suite("W3C trace context on messages")
struct TraceContextTests {
    /// The example of the W3C Trace Context recommendation, section 3.2.
    static let example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func theW3CExampleReadsAndWritesBackTheSame() throws {
        let context = try #require(TraceContext(traceparent: Self.example, tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.parentID == "00f067aa0ba902b7")
        #expect(context.isSampled)
        #expect(context.traceparent == Self.example)
        #expect(context.state == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
    }

    /// Each is what the recommendation says a receiver ignores: then the message has no context.
    @Test(arguments: [
        "", "00", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // trace id all zero
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // parent id all zero
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 has four fields
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1z",
    ])
    func aBrokenTraceparentIsDropped(_ traceparent: String) {
        #expect(TraceContext(traceparent: traceparent) == nil)
    }

    @Test func aLaterVersionIsReadAsVersion00() throws {
        let context = try #require(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-comes-next"))
        #expect(context.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        #expect(!context.isSampled)
    }

    @Test func aTracestateTooLongOrNotPrintableIsDroppedAndTheParentKept() throws {
        let long = try #require(TraceContext(traceparent: Self.example, tracestate: String(repeating: "a", count: 513)))
        #expect(long.state == nil && long.traceparent == Self.example)
        #expect(try #require(TraceContext(traceparent: Self.example, tracestate: "a=b\nc")).state == nil)
    }

    @Test func startedTracesAreSampledAndNew() throws {
        let first = TraceContext.start()
        let second = TraceContext.start()
        #expect(first.isSampled && first.traceID != second.traceID && first.parentID != second.parentID)
        #expect(TraceContext(traceparent: first.traceparent) == first)
    }

    /// On a message: `ce_traceparent` and `ce_tracestate`, read back; one that does not hold, or one
    /// given twice, leaves the message without a context and does not refuse it.
    @Test func anEnvelopeCarriesItAndABrokenOneIsIgnored() throws {
        let payload = Data("{}".utf8)
        let context = try #require(TraceContext(traceparent: Self.example, tracestate: "k=v"))
        let envelope = Envelope(id: "c", type: "tenancy.x.Y.v1", source: "/s", time: nil, subject: nil, traceContext: context, payload: payload)
        let headers = envelope.headers.map { (name: $0.name, value: Data($0.value.utf8)) }
        #expect(headers.contains { $0.name == "ce_traceparent" && $0.value == Data(Self.example.utf8) })
        #expect(try Envelope.decode(headers: headers, value: payload).traceContext == context)

        let twice = headers + [(name: "ce_traceparent", value: Data(Self.example.utf8))]
        #expect(try Envelope.decode(headers: twice, value: payload).traceContext == nil)
        let broken = headers.map { $0.name == "ce_traceparent" ? (name: $0.name, value: Data("00-zz".utf8)) : $0 }
        #expect(try Envelope.decode(headers: broken, value: payload).traceContext == nil)
    }
}
