import Foundation
import GRDB
import Kafka
import Messaging
import MetricsTestKit
import Models
import TestSupport
import Testing

@testable import Pipeline

/// A batch runs its commands without a savepoint each while none fails after it wrote; one that
/// does makes the batch run again with savepoints. Either way a refused command leaves no write,
/// and every command gets its one result.
@Suite("Commands without savepoints")
struct CommandIsolationTests {
    /// Creates a `thing` row per command; `late` writes its row and then refuses, `early` refuses first.
    struct Things: MessageHandler {
        let commands = MessageRegistry([SenderScopeTests.CreateThing.self])

        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            try SenderScopeTests.Things().authenticate(command, envelope: envelope, now: now, db: db)
        }

        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            guard let command = command as? SenderScopeTests.CreateThing else { throw Rejection(.forbidden, "no") }
            if command.name == "early" { throw Rejection(.invalidArgument, "refused before writing") }
            try db.execute(sql: "INSERT INTO thing (name) VALUES (?)", arguments: [command.name])
            if command.name == "late" { throw Rejection(.invalidArgument, "refused after writing") }
            return CommandOutcome(events: [])
        }
    }

    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let store: ServiceStore
    let metrics = TestMetrics()
    let processor: BatchProcessor

    init() throws {
        store = try ServiceStore(path: nil) { migrator in
            migrator.registerMigration("things") { db in try db.execute(sql: "CREATE TABLE thing (name TEXT NOT NULL)") }
        }
        processor = .commands(of: Things(), store: store, metrics: metrics, clock: { [now] in now })
    }

    func batch(_ names: [String], from offset: Int64) -> [KafkaConsumedMessage] {
        names.enumerated().map { index, name in
            let envelope = Envelope(
                id: "cmd-\(name)-\(offset)",
                type: SenderScopeTests.CreateThing.messageType,
                source: "/tests",
                time: now,
                subject: "ws_1",
                payload: JSONCoding.encode(SenderScopeTests.CreateThing(name: name))
            ).signed(by: .apiKey(clientID: ClientID(rawValue: "key_a"), secret: "right"), for: "sharing")
            let record = KafkaRecord(envelope, topic: "c", key: "ws_1")
            return KafkaConsumedMessage(
                topic: "c",
                partition: 0,
                offset: offset + Int64(index),
                key: record.key,
                value: record.value,
                headers: record.headers
            )
        }
    }

    func state() async throws -> (things: [String], results: [String], inbox: Int) {
        try await store.writer.read { db in
            let results = try Outbox.oldest(100, db: db).map(\.record).filter { $0.topic == "r" }
                .compactMap { CommandResult.openingSecrets($0.value ?? Data()) }.map { "\($0.commandID):\($0.status.rawValue)" }
            return (
                try String.fetchAll(db, sql: "SELECT name FROM thing ORDER BY rowid"), results,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") ?? 0
            )
        }
    }

    func reruns() throws -> Int64 {
        try metrics.expectCounter("tenancy_batches_rerun_with_savepoints_total").totalValue
    }

    @Test func aRefusalBeforeAnyWriteNeedsNoSavepoint() async throws {
        try await processor.process(batch(["one", "early", "two"], from: 0))
        let (things, results, inbox) = try await state()
        #expect(things == ["one", "two"])
        #expect(results == ["cmd-one-0:accepted", "cmd-early-0:rejected", "cmd-two-0:accepted"])
        #expect(inbox == 3)
        #expect(try reruns() == 0)
    }

    @Test func aRefusalAfterAWriteRunsTheBatchAgainWithSavepointsAndLeavesNoTrace() async throws {
        try await processor.process(batch(["one", "late", "two"], from: 0))
        let (things, results, inbox) = try await state()
        #expect(things == ["one", "two"], "the refused command's row is gone, the others' are there once")
        #expect(results == ["cmd-one-0:accepted", "cmd-late-0:rejected", "cmd-two-0:accepted"], "one result each")
        #expect(inbox == 3)
        #expect(try reruns() == 1)
    }
}
