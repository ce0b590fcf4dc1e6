import Foundation
import GRDB
import Kafka
import Models
import TestSupport
import Testing

/// The database cannot grow (its page limit lowered on the service's own writer connection, as a
/// full disk would refuse pages): batches fail whole, nothing is acknowledged or published without
/// its effect, and once space returns every command gets exactly one effect and one result.
@Suite("Pipeline with its database full", .serialized, .timeLimit(.minutes(5)))
struct DatabaseFullTests {
    @Test func aFullDatabaseDelaysButLosesAndDuplicatesNothing() async throws {
        try await ServiceHarness.with { harness in
            let results = try await harness.reader(harness.topics.results)
            try await harness.send([harness.command(CreateNote(text: "Warm-up", author: "w@acme.example"), id: "warm-up")])
            _ = try await results.read { !$0.results(for: "warm-up").isEmpty }

            let writer = try #require(harness.serviceStore?.writer)
            let pages = try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
            try await writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }

            let ids = (1...300).map { "full-\($0)" }
            try await harness.send(
                ids.enumerated().map { index, id in
                    harness.command(CreateNote(text: "Note number \(index)", author: "owner\(index)@acme.example"), id: id, key: "k\(index % 7)")
                }
            )
            let whileFull = try await results.drain(for: .seconds(6))
            let answeredWhileFull = Set(whileFull.compactMap { $0.header(Envelope.Header.subject) })
            #expect(!answeredWhileFull.contains("warm-up"), "the relay does not re-send what it published, though it cannot delete it")
            #expect(answeredWhileFull.count < ids.count, "some batches could not commit")
            let committed = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") ?? 0 }
            #expect(committed == 1 + answeredWhileFull.count, "a result is published only with its effect")

            try await writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            var afterwards: [KafkaConsumedMessage] = []
            do {
                afterwards =
                    try await results.read { messages in
                        let seen = Set((whileFull + messages).compactMap { $0.header(Envelope.Header.subject) })
                        return ids.allSatisfy(seen.contains)
                    } + (try await results.drain(for: .seconds(1)))
            } catch {
                // Say where the missing results are: never applied, or applied and not published.
                let state = try await writer.read { db in
                    try ["note", "inbox", "outbox"].map { "\($0): \(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1)" }
                }
                Issue.record("answered while full: \(answeredWhileFull.count); database: \(state.joined(separator: ", "))")
                throw error
            }
            let answered = whileFull + afterwards
            for id in ids {
                #expect(answered.results(for: id).map(\.status) == [.accepted], "\(id): one result")
            }
            let notes = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") }
            #expect(notes == 1 + ids.count)
            await results.close()
        }
    }
}
