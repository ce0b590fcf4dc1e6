import Foundation
import Kafka
import Models
import Testing

@testable import Pipeline

extension BatchProcessor {
    /// Processes `envelope` as the record at `offset` of command partition 0, and returns the result
    /// it queued, as it will be published.
    func publishedResult(of envelope: Envelope, at offset: Int64) async throws -> Data {
        let message = KafkaConsumedMessage(
            topic: try #require(topics.commands),
            partition: 0,
            offset: offset,
            key: Data((envelope.recordKey ?? envelope.subject ?? "").utf8),
            value: envelope.payload,
            headers: envelope.kafkaHeaders
        )
        let before = try await writer.read { db in try Outbox.oldest(10_000, db: db).count }
        try await process([message])
        let rows = try await writer.read { db in try Outbox.oldest(10_000, db: db) }
        let result = try #require(rows.dropFirst(before).first { $0.record.topic == topics.results })
        return try #require(result.record.value)
    }
}
