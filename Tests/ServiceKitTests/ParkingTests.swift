import Foundation
import GRDB
import Kafka
import Models
import TestSupport
import Testing

@testable import Pipeline

/// A record that can never be published does not wedge the relay: it is parked, with a metric, an
/// error log line and a dead letter of its own, and the rows behind it go out.
@Suite("Parking what cannot be published", .serialized, .timeLimit(.minutes(3)))
struct ParkingTests {
    @Test func aRecordRefusedForGoodIsParkedAndTheRowsBehindItAreDelivered() async throws {
        try await ServiceHarness.with { harness in
            // A row queued by other means (an earlier version, a service's background work) that is
            // larger than the producer sends (here 100 kB payloads + 128 KiB), then one behind it with the same key.
            let tooLarge = KafkaRecord(
                topic: harness.eventTopic,
                key: Data("same-key".utf8),
                value: Data(repeating: 0x7A, count: 400_000),
                headers: [KafkaHeader(name: Envelope.Header.id, string: "too-large")]
            )
            let behind = KafkaRecord(
                topic: harness.eventTopic,
                key: Data("same-key".utf8),
                value: Data("{}".utf8),
                headers: [KafkaHeader(name: Envelope.Header.id, string: "behind")]
            )
            let store = try harness.store
            try await store.writer.write { db in
                try Outbox.insert(tooLarge, now: Date(), db: db)
                try Outbox.insert(behind, now: Date(), db: db)
            }

            try await Wait.until("the outbox is empty", timeout: .seconds(20), every: .milliseconds(100)) {
                try await store.writer.read { db in try Outbox.depth(db: db) } == 0
            }
            let parked = try store.writer.read { db in try Row.fetchAll(db, sql: "SELECT topic, kafka_error, reason FROM parked") }
            #expect(parked.count == 1)
            #expect(parked.first?["topic"] == harness.eventTopic && parked.first?["kafka_error"] == 10)

            let events = try await harness.reader(harness.eventTopic).read { $0.contains { $0.header(Envelope.Header.id) == "behind" } }
            #expect(!events.contains { $0.header(Envelope.Header.id) == "too-large" })
            let deadLetters = try await harness.reader(harness.topics.deadLetter).read { !$0.isEmpty }
            let entry = try #require(deadLetters.first)
            #expect(entry.header(DeadLetterHeader.errorCode) == DeadLetterHeader.undeliverable)
            #expect(entry.header(Envelope.Header.id) == "too-large" && entry.header(DeadLetterHeader.originalTopic) == harness.eventTopic)
            #expect(entry.value?.count == 65_536 && entry.header(DeadLetterHeader.originalSize) == "400000")
            #expect(entry.header(DeadLetterHeader.errorMessage)?.contains("too large") == true)

            let port = try #require(harness.opsPort)
            let metrics = await httpGet(port: port, path: "/metrics")?.body ?? ""
            #expect(metrics.split(separator: "\n").contains("tenancy_outbox_parked_total 1"))
            // Parked records leave the service ready. (Its consumer may still be joining its group
            // when the outbox has drained: on a busy machine that takes longer than the relay.)
            var ready: (status: Int, body: String)?
            try await Wait.until("the service is ready", timeout: .seconds(60), every: .milliseconds(200)) {
                ready = await httpGet(port: port, path: "/health/ready")
                return ready?.status == 200
            }
            #expect(ready?.status == 200 && ready?.body.contains(#""outbox_parked":1"#) == true, "\(String(describing: ready))")
        }
    }
}
