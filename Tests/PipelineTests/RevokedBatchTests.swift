import Foundation
import GRDB
import Kafka
import Logging
import Metrics
import Models
import TestSupport
import Testing

@testable import Pipeline

/// A batch whose partitions were taken away while it was written commits nothing: not its state,
/// not its results, not its offsets, so that the partition's next owner reads it from the offsets
/// stored with the state.
@Suite("A batch of revoked partitions")
struct RevokedBatchTests {
    struct Refusing: MessageHandler {
        let commands = MessageRegistry()
        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            throw Rejection(.unauthenticated, "none")
        }
        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            throw Rejection(.unknownType, "none")
        }
    }

    @Test func rollsBackEverythingAndThenCommitsWhenOwned() async throws {
        let store = try ServiceStore(path: nil, migrations: { _ in })
        let processor = BatchProcessor(
            store: store,
            handler: Refusing(),
            topics: PipelineTopics(commands: "c", followedEvents: [], events: nil, results: "r", deadLetter: "d"),
            source: "/t",
            eventTag: TestKeys.eventTag(for: "notes"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance, knownTypes: [])
        )
        let record = CommandFactory.record(CreateWorkspace(), topic: "c", id: "cmd-1", key: "k", credential: TestKeys.operatorCredential)
        let batch = processor.prepare([
            KafkaConsumedMessage(topic: "c", partition: 2, offset: 7, key: record.key, value: record.value, headers: record.headers)
        ])
        func written() async throws -> (outbox: Int, offsets: [TopicPartition: Int64]) {
            try await store.writer.read { db in
                (try Outbox.depth(db: db), try ConsumerOffsets.next(for: [TopicPartition(topic: "c", partition: 2)], db: db))
            }
        }

        await #expect(throws: PartitionsRevoked.self) { try await processor.process(batch, stillOwned: { false }) }
        let rolledBack = try await written()
        #expect(rolledBack.outbox == 0 && rolledBack.offsets.isEmpty)

        try await processor.process(batch, stillOwned: { true })
        let committed = try await written()
        // Its result (and the dead letter of a type nobody handles here).
        #expect(committed.outbox == 2 && committed.offsets == [TopicPartition(topic: "c", partition: 2): 8])
    }
}
