import Foundation
import GRDB
import Kafka
import Testing

@testable import Pipeline

/// The hand-written encodings of the pipeline's tables agree with what they replace.
@Suite("Store encodings")
struct StoreEncodingTests {
    @Test func storedTimestampsAreWhatGRDBWrites() throws {
        var generator = SystemRandomNumberGenerator()
        let samples =
            [
                -62_135_596_800.0, -12_212_553_600.001, -12_212_553_600, -86_400.0001, -0.0005, 0, 0.0009, 951_782_400.5, 1_800_000_000.123,
                4_102_444_799.999,
            ] + (0..<2_000).map { _ in Double.random(in: -5_000_000_000...10_000_000_000, using: &generator) }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredTimestamp(date).databaseValue == date.databaseValue, "\(seconds)")
        }
    }

    @Test func headersSurviveTheirCompactForm() {
        let headers = [
            KafkaHeader(name: "ce_id", string: "cmd-1"), KafkaHeader(name: "empty", value: Data()),
            KafkaHeader(name: "binary", value: Data([0, 255, 10, 13])), KafkaHeader(name: "ce_id", string: "repeated names stay"),
            KafkaHeader(name: "long", value: Data(repeating: 7, count: 70_000)),
        ]
        #expect(HeaderCoding.decode(HeaderCoding.encode(headers)) == headers)
        #expect(HeaderCoding.decode(HeaderCoding.encode([])) == [])
    }

    @Test func damagedHeaderBytesAreRefusedNotMisread() {
        let encoded = HeaderCoding.encode([KafkaHeader(name: "ce_id", string: "cmd-1")])
        #expect(HeaderCoding.decode(encoded.dropLast()) == nil, "truncated value")
        #expect(HeaderCoding.decode(Data("[[\"ce_id\",\"Y21kLTE=\"]]".utf8)) == nil, "another format")
        #expect(HeaderCoding.decode(Data()) == nil)
    }

    /// Rows queued by a version that kept headers as JSON are converted when the database is opened.
    @Test func outboxRowsFromBeforeTheCompactHeadersAreConverted() throws {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        ServiceStore.registerSharedMigrations(&migrator)
        try migrator.migrate(queue, upTo: "pipeline.v2: inbox retention")
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO outbox (topic, key, headers, value, created_at) VALUES ('t', x'6b', ?, x'7b7d', '2026-11-23 10:00:00.000')",
                arguments: [Data(#"[["ce_id","Y21kLTE="],["bin","AP8="]]"#.utf8)]
            )
        }
        try migrator.migrate(queue)
        let rows = try queue.read { db in try Outbox.oldest(10, db: db) }
        #expect(
            rows.map(\.record) == [
                KafkaRecord(
                    topic: "t",
                    key: Data("k".utf8),
                    value: Data("{}".utf8),
                    headers: [KafkaHeader(name: "ce_id", string: "cmd-1"), KafkaHeader(name: "bin", value: Data([0, 255]))]
                )
            ]
        )
    }
}
