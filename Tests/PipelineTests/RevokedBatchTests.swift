import Foundation
import GRDB
import Kafka
import Models
import TestSupport
import Testing

@testable import Pipeline

/// A batch whose partitions were taken away while it was written commits nothing: not its state,
/// not its results, not its offsets, so that the partition's next owner reads it from the offsets
/// stored with the state.
@Suite("A batch of revoked partitions")
struct RevokedBatchTests {
    @Test func rollsBackEverythingAndThenCommitsWhenOwned() async throws {
        let store = try ServiceStore(path: nil, migrations: { _ in })
        let processor = BatchProcessor.inert(store)
        let record = CommandFactory.record(CreateWorkspace(), topic: "c", id: "cmd-1", key: "k", credential: TestKeys.operatorCredential)
        let batch = processor.prepare([
            KafkaConsumedMessage(topic: "c", partition: 2, offset: 7, key: record.key, value: record.value, headers: record.headers)
        ])
        func written() async throws -> (outbox: Int, offsets: [TopicPartition: Int64]) {
            try await store.writer.read { db in
                (try Outbox.depth(db: db), try ConsumerOffsets.group.next(for: [TopicPartition(topic: "c", partition: 2)], db: db))
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
