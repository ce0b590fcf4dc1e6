import Foundation
import GRDB
import Kafka
import Logging
import Models

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
    let limits: EnvelopeLimits
    let logger: Logger
    let metrics: PipelineMetrics
    let clock: @Sendable () -> Date
    /// How long processed message ids are kept in the inbox.
    let inboxRetention: TimeInterval

    init(
        store: ServiceStore, handler: any MessageHandler, topics: PipelineTopics, source: String,
        limits: EnvelopeLimits, logger: Logger, metrics: PipelineMetrics, inboxRetention: TimeInterval = 7 * 86_400,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        writer = store.writer
        self.handler = handler
        self.topics = topics
        self.source = source
        self.limits = limits
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.inboxRetention = inboxRetention
    }

    /// Processes a batch in one transaction. Messages at offsets already recorded as consumed are
    /// skipped, so a batch redelivered after a rebalance changes nothing.
    public func process(_ messages: [KafkaConsumedMessage]) async throws {
        guard !messages.isEmpty else { return }
        let now = clock()
        try await writer.write { db in
            var next = try ConsumerOffsets.next(for: Set(messages.map(\.topicPartition)), db: db)
            for message in eventsFirst(messages) {
                let partition = message.topicPartition
                if let stored = next[partition], message.offset < stored { continue }
                try process(message, now: now, db: db)
                next[partition] = message.offset + 1
            }
            try ConsumerOffsets.store(next, db: db)
        }
        metrics.batchSize.record(messages.count)
    }

    /// Other services' events before commands (each partition keeps its order), so that a command
    /// polled together with the event it depends on (the integration it shares) sees that event applied.
    private func eventsFirst(_ messages: [KafkaConsumedMessage]) -> [KafkaConsumedMessage] {
        let commands = messages.filter { $0.topic == topics.commands }
        guard !commands.isEmpty, commands.count < messages.count else { return messages }
        return messages.filter { $0.topic != topics.commands } + commands
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

    private func process(_ message: KafkaConsumedMessage, now: Date, db: Database) throws {
        let isCommand = message.topic == topics.commands
        let envelope: Envelope
        do {
            envelope = try Envelope.decode(headers: message.headers.map { ($0.name, $0.value) }, value: message.value, limits: limits)
        } catch {
            try deadLetter(message, error.rejection, now: now, db: db)
            if isCommand, let id = error.recoveredID {
                try publish(result: .rejected(id, type: message.header(Envelope.Header.type) ?? "", error.rejection), now: now, db: db)
            }
            return
        }
        if isCommand {
            try processCommand(envelope, message: message, now: now, db: db)
        } else {
            try processEvent(envelope, message: message, now: now, db: db)
        }
    }
}
