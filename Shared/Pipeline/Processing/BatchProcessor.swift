import Foundation
import GRDB
import Kafka
import Logging
import Models
import Sealing
import Synchronization
import Tracing

/// The one handler pipeline: turns a polled batch into a single SQLite transaction holding the
/// state changes, the outbox rows (events, results, dead letters), the inbox ids and the offsets.
///
/// A message that is bad in any way gets its answer and the batch goes on; only a failure of the
/// database itself (full, busy, I/O) fails the whole batch, which then leaves no trace.
public final class BatchProcessor: Sendable {
    let writer: any DatabaseWriter
    let handler: any MessageHandler
    let topics: PipelineTopics
    /// `ce_source` of everything this service publishes (`/tenancy/lifecycle`).
    let source: String
    /// Tags this service's events for their followers and checks the tags of the events it follows.
    let eventTag: EventTag
    /// The service that owns each followed topic, which alone can tag its events; a topic no
    /// service owns by name has none, and nothing on it is applied.
    let eventOwners: [String: String]
    /// Every event type the service follows: those it reacts to and those its replicas are built
    /// from. The group checks and decodes them all, so that a forged or broken one is dead-lettered
    /// once for the service; it applies only the first kind.
    let followedEvents: MessageRegistry
    let limits: EnvelopeLimits
    /// What the producer may send, and how much of an unusable record a dead letter keeps.
    let recordLimits: RecordLimits
    let logger: Logger
    let metrics: PipelineMetrics
    let clock: @Sendable () -> Date
    /// How long processed message ids are kept in the inbox.
    let inboxRetention: TimeInterval
    /// Checked in order for every authenticated command before its id is looked up.
    let gates: [any CommandGate]
    /// Partitions of the command topic, each a task: a command whose owner's key
    /// (``MessageHandler/ownerKey(of:from:db:)``) belongs to another is forwarded there. Nil: none is.
    let partitions: Int32?

    package init(
        store: ServiceStore,
        handler: any MessageHandler,
        topics: PipelineTopics,
        source: String,
        eventTag: EventTag,
        limits: EnvelopeLimits,
        logger: Logger,
        metrics: PipelineMetrics,
        inboxRetention: TimeInterval = 7 * 86_400,
        deadLetterValueBytes: Int = RecordLimits.defaultDeadLetterValueBytes,
        gates: [any CommandGate] = [],
        partitions: Int32? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.partitions = partitions
        writer = store.writer
        self.handler = handler
        self.topics = topics
        self.source = source
        self.eventTag = eventTag
        eventOwners = Dictionary(
            uniqueKeysWithValues: topics.followedEvents.compactMap { topic in Topics.owner(ofEvents: topic).map { (topic, $0) } }
        )
        followedEvents = handler.events.merging(handler.replica)
        self.limits = limits
        recordLimits = RecordLimits(maxPayloadBytes: limits.maxPayloadBytes, deadLetterValueBytes: deadLetterValueBytes)
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.inboxRetention = inboxRetention
        self.gates = gates
    }

    /// Processes a batch in one transaction. Messages at offsets already recorded as consumed are
    /// skipped, so a batch redelivered after a rebalance changes nothing. Used by tests; the
    /// consumer loop prepares its batches off the writer thread and passes them prepared.
    func process(_ messages: [KafkaConsumedMessage]) async throws {
        try await process(prepare(messages))
    }

    /// ``process(_:)`` for a batch already prepared (decoded off the writer thread). `stillOwned`
    /// is asked last, inside the transaction: when the batch's partitions are no longer this
    /// consumer's, nothing commits and ``PartitionsRevoked`` is thrown.
    ///
    /// Commands run without a savepoint each (which makes SQLite copy every page a command touches
    /// into a statement journal) as long as none fails after it wrote: then the transaction is rolled
    /// back and the batch run again with a savepoint per command, so a refused command never leaves
    /// a trace either way.
    package func process(_ batch: [PreparedMessage], stillOwned: @Sendable () -> Bool = { true }) async throws {
        guard !batch.isEmpty else { return }
        let now = clock()
        do {
            try await write(batch, now: now, isolation: .shared, stillOwned: stillOwned)
        } catch is CommandFailedAfterWriting {
            metrics.batchRerunWithSavepoints.increment()
            try await write(batch, now: now, isolation: .savepointEach, stillOwned: stillOwned)
        }
        metrics.batchSize.record(batch.count)
        let committed = Date().timeIntervalSince1970
        for case let produced? in batch.lazy.map(\.message.timestampMilliseconds) {
            metrics.recordAgeAtCommit.recordSeconds(max(0, committed - Double(produced) / 1_000))
        }
    }

    /// Each message is processed under its span (``MessageTracing``), which begins when it was
    /// polled and ends when its batch has committed, with a `poll` step (polled to written), a
    /// `decide` step and a `commit` step (the batch's, shared by every message in it).
    private func write(_ batch: [PreparedMessage], now: Date, isolation: CommandIsolation, stillOwned: @Sendable () -> Bool) async throws {
        let spans = Mutex<[MessageSpan]>([])
        let committing: DefaultTracerClock.Instant
        do {
            committing = try await writer.write { db in
                var next = try ConsumerOffsets.group.next(for: Set(batch.map(\.message.topicPartition)), db: db)
                for prepared in eventsFirst(batch) {
                    let partition = prepared.message.topicPartition
                    if let stored = next[partition], prepared.message.offset < stored { continue }
                    let span = startSpan(of: prepared)
                    spans.withLock { $0.append(span) }
                    try MessageTracing.$current.withValue(span) {
                        try process(prepared, now: now, isolation: isolation, db: db)
                    }
                    next[partition] = prepared.message.offset + 1
                }
                try ConsumerOffsets.group.store(next, db: db)
                guard stillOwned() else { throw PartitionsRevoked() }
                return DefaultTracerClock.now
            }
        } catch {
            let failed = spans.withLock { $0 }
            for span in failed {
                span.span?.recordError(error)
                span.span?.setStatus(SpanStatus(code: .error, message: "the batch was rolled back"))
                span.end()
            }
            throw error
        }
        let committed = DefaultTracerClock.now
        for span in spans.withLock({ $0 }) {
            MessageTracing.record("commit", under: span, from: committing, to: committed)
            span.end(at: committed)
        }
    }

    /// The span of one message, under the trace context it came with; its attributes name it
    /// (topic, partition, offset, id, type, subject), never its content.
    private func startSpan(of prepared: PreparedMessage) -> MessageSpan {
        let message = prepared.message
        let envelope = prepared.envelope
        var span = MessageTracing.start(
            "process " + (envelope?.type.rawValue ?? message.topic),
            kind: .consumer,
            parent: envelope?.traceContext,
            at: prepared.polledAt
        )
        if let envelope {
            let kind = message.topic == topics.commands ? "command" : "event"
            span.logMetadata["\(kind).id"] = "\(envelope.id)"
            span.logMetadata["\(kind).type"] = "\(envelope.type)"
        }
        guard span.span?.isRecording == true else { return span }
        MessageTracing.record("poll", under: span, from: prepared.polledAt, to: DefaultTracerClock.now)
        span.set("messaging.system", "kafka")
        span.set("messaging.destination.name", message.topic)
        span.set("messaging.destination.partition.id", String(message.partition))
        span.set("messaging.kafka.offset", String(message.offset))
        if let envelope {
            span.set("messaging.message.id", envelope.id)
            span.set("tenancy.message.type", envelope.type.rawValue)
            if let subject = envelope.subject { span.set("tenancy.subject", subject) }
        }
        return span
    }

    /// Other services' events before commands (each partition keeps its order), so that a command
    /// polled together with the event it depends on (the integration it shares) sees that event applied.
    private func eventsFirst(_ batch: [PreparedMessage]) -> [PreparedMessage] {
        let commands = batch.filter { $0.message.topic == topics.commands }
        guard !commands.isEmpty, commands.count < batch.count else { return batch }
        return batch.filter { $0.message.topic != topics.commands } + commands
    }

    /// Runs the handler's time-driven work in one transaction and queues the events it produced;
    /// forgets inbox ids older than the retention, a few thousand at a time. Returns how many events it queued.
    public func housekeep() async throws -> Int {
        let now = clock()
        return try await writer.write { [inboxRetention] db in
            try Inbox.forget(before: now.addingTimeInterval(-inboxRetention), limit: 5_000, db: db)
            let context = DecisionContext.live(commandID: "housekeeping." + UUID().uuidString, now: now)
            let events = try handler.housekeep(context: context, db: db)
            for (index, event) in events.enumerated() {
                try publish(event, index: index, cause: context.commandID, context: context, db: db)
            }
            return events.count
        }
    }

    private func process(_ prepared: PreparedMessage, now: Date, isolation: CommandIsolation, db: Database) throws {
        let message = prepared.message
        switch prepared.content {
        case .undecodable(let error):
            try deadLetter(message, error.rejection, now: now, db: db)
            if message.topic == topics.commands, let id = error.recoveredID {
                // The sender's type is echoed only when it is a well-formed name (bounded, printable).
                let type = message.header(Envelope.Header.type).flatMap { MessageType(rawValue: $0).isWellFormed ? $0 : nil }
                try publish(result: .rejected(id, type: type ?? "", error.rejection), now: now, db: db)
            }
        case .command(let envelope, let fingerprint, let decoded, let unknownField):
            try processCommand(
                envelope,
                fingerprint: fingerprint,
                decoded: decoded,
                unknownField: unknownField,
                message: message,
                now: now,
                isolation: isolation,
                db: db
            )
        case .event(let envelope, let decoded):
            try processEvent(envelope, decoded: decoded, message: message, now: now, db: db)
        case .forgedEvent(let reason):
            try refuseForgedEvent(message, reason: reason, now: now, db: db)
        }
    }
}

/// A batch's partitions were taken away while it was written; it was rolled back.
package struct PartitionsRevoked: Error {}

/// How a batch keeps a refused command's writes out of the state.
enum CommandIsolation {
    /// No savepoint: a command that fails after it wrote fails the batch (``CommandFailedAfterWriting``).
    case shared
    /// A savepoint per command, rolled back when it fails.
    case savepointEach
}

/// A command failed after it wrote, in a batch without savepoints: the batch is rolled back and run
/// again with one per command.
struct CommandFailedAfterWriting: Error {}
