import Foundation
import Instrumentation
import Logging
import Models
import Tracing

/// A message's span as the pipeline processes it, and the trace context of what it queues meanwhile.
package struct MessageSpan: Sendable {
    /// Nil when no tracer records spans.
    package let span: (any Span)?
    /// The context the records queued while it is processed carry (results, events, dead letters):
    /// its span's, or with no tracer the message's own, passed on unchanged as the W3C asks of a
    /// participant that records nothing.
    package let outgoing: TraceContext?
    /// What every log line written while it is processed names: its trace and span (the span only
    /// when one records), and the message (`command.id` and `command.type`, or `event.*`).
    package var logMetadata: Logger.Metadata = [:]

    /// Sets an attribute when the span records; the value is only worked out then.
    package func set(_ name: String, _ value: @autoclosure () -> String) {
        guard let span, span.isRecording else { return }
        span.attributes[name] = value()
    }

    package func end(at instant: DefaultTracerClock.Instant = DefaultTracerClock.now) {
        span?.end(at: instant)
    }

    /// Runs `work` under a step of this span named `operation` (ended when it returns or throws).
    func step<T>(_ operation: String, _ work: () throws -> T) rethrows -> T {
        guard let span, span.isRecording else { return try work() }
        let step = InstrumentationSystem.tracer.startSpan(operation, context: span.context, ofKind: .internal)
        defer { step.end() }
        do {
            return try work()
        } catch {
            step.recordError(error)
            throw error
        }
    }
}

/// Where the pipeline's spans come from: the tracer bootstrapped at start-up (OTLP, when an
/// endpoint is configured) or none. Every span carries identifiers and outcomes, never a secret.
/// A message whose trace its sender did not sample gets no span of its own.
package enum MessageTracing {
    /// The message being processed, bound around its processing on the thread that does it: read
    /// where records are queued and by the log's metadata.
    @TaskLocal package static var current: MessageSpan?

    /// Adds the current message's ``MessageSpan/logMetadata`` to every line logged while it is processed.
    package static let logMetadata = Logger.MetadataProvider { current?.logMetadata ?? [:] }

    /// Whether spans are recorded at all.
    package static var isTracing: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

    /// Starts a span under `parent` (a message's context, or nil for a new trace) at `instant`.
    package static func start(
        _ operation: String,
        kind: SpanKind,
        parent: TraceContext?,
        at instant: DefaultTracerClock.Instant = DefaultTracerClock.now
    ) -> MessageSpan {
        // A parent that did not sample its trace is passed on unchanged and nothing is made of it: the
        // sampled flag is honoured as a parent-based sampler would (the OTel default), and a span that
        // would not record costs a span all the same.
        guard isTracing, parent?.isSampled != false else {
            return MessageSpan(span: nil, outgoing: parent, logMetadata: parent.map { ["trace_id": "\($0.traceID)"] } ?? [:])
        }
        var context = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(parent, into: &context, using: TraceContextReader())
        let span = InstrumentationSystem.tracer.startSpan(operation, context: context, ofKind: kind, at: instant)
        var injected: [String: String] = [:]
        InstrumentationSystem.instrument.inject(span.context, into: &injected, using: TraceContextWriter())
        let outgoing = injected["traceparent"].flatMap { TraceContext(traceparent: $0, tracestate: injected["tracestate"]) } ?? parent
        var metadata: Logger.Metadata = [:]
        if let outgoing { metadata = ["trace_id": "\(outgoing.traceID)", "span_id": "\(outgoing.parentID)"] }
        return MessageSpan(span: span, outgoing: outgoing, logMetadata: metadata)
    }

    /// Runs `work` under a step named `operation` of the current message's span, if any.
    static func step<T>(_ operation: String, _ work: () throws -> T) rethrows -> T {
        guard let current else { return try work() }
        return try current.step(operation, work)
    }

    /// A span that starts and ends at known instants under `parent`'s span (a step whose timing was
    /// taken while it ran, like the batch's commit shared by every message in it).
    package static func record(
        _ operation: String,
        under parent: MessageSpan,
        from start: DefaultTracerClock.Instant,
        to end: DefaultTracerClock.Instant
    ) {
        guard let span = parent.span, span.isRecording else { return }
        InstrumentationSystem.tracer.startSpan(operation, context: span.context, ofKind: .internal, at: start).end(at: end)
    }
}

/// Gives the instrument a message's `traceparent` and `tracestate`.
private struct TraceContextReader: Extractor {
    func extract(key: String, from carrier: TraceContext?) -> String? {
        switch key {
        case "traceparent": carrier?.traceparent
        case "tracestate": carrier?.state
        default: nil
        }
    }
}

/// Takes what the instrument writes for a span's context: `traceparent` and `tracestate`.
private struct TraceContextWriter: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}
