import Foundation
import GRDB
import Kafka
import Models
import TestSupport
import Testing

/// Another process holding SQLite's write lock: the batch cannot commit, so nothing is acknowledged
/// or published; once the lock is gone every command gets its one effect and one result.
@Suite("Pipeline with its database locked", .serialized, .timeLimit(.minutes(5)))
struct DatabaseLockTests {
    @Test func aLockedDatabaseDelaysButLosesAndDuplicatesNothing() async throws {
        try await ServiceHarness.with { harness in
            let results = try await harness.reader(harness.topics.results)
            try await harness.send([harness.command(CreateNote(text: "Warm-up", author: "w@acme.example"), id: "warm-up")])
            _ = try await results.read { !$0.results(for: "warm-up").isEmpty }

            // A second connection, in another process, takes the write lock and keeps it.
            let input = try makePipe()
            let output = try makePipe()
            let locker = try Subprocess(
                executable: "/usr/bin/sqlite3",
                arguments: [harness.databasePath],
                environment: ProcessInfo.processInfo.environment,
                input: input.read.fileDescriptor,
                output: output.write.fileDescriptor,
                error: output.write.fileDescriptor
            )
            defer { locker.send(SIGKILL) }
            try input.read.close()
            try output.write.close()
            // The SELECT answers only once BEGIN IMMEDIATE holds the lock: wait for it, however loaded the machine.
            // The shell's busy timeout is 0: without one, a BEGIN that meets the service's writer or its
            // checkpointer fails at once, and without `.bail on` the SELECT would answer anyway.
            input.write.write(Data(".timeout 30000\n.bail on\nBEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
            let answer = await offThePool {
                var answer = Data()
                while !String(decoding: answer, as: UTF8.self).contains("locked") {
                    let chunk = output.read.availableData
                    guard !chunk.isEmpty else { break }
                    answer += chunk
                }
                return String(decoding: answer, as: UTF8.self)
            }
            guard answer.contains("locked") else { throw TestSupportError("sqlite3 ended before taking the lock: \(answer)") }

            let ids = (1...5).map { "locked-\($0)" }
            try await harness.send(
                ids.enumerated().map { index, id in
                    harness.command(CreateNote(text: "Note \(index)", author: "o\(index)@acme.example"), id: id)
                }
            )
            let whileLocked = try await results.drain(for: .seconds(8))
            #expect(ids.allSatisfy { whileLocked.results(for: $0).isEmpty }, "no command is answered while its batch cannot commit")
            // The relay cannot delete the warm-up's published result either, but it does not send it again.
            #expect(whileLocked.isEmpty, "nothing re-sent: \(whileLocked.compactMap { $0.header(Envelope.Header.subject) })")

            input.write.write(Data("COMMIT;\n".utf8))
            try input.write.close()
            #expect(await locker.end(timeout: .seconds(30)) == .exited(0), "sqlite3 committed and ended")
            let answered =
                try await results.read { messages in ids.allSatisfy { !messages.results(for: $0).isEmpty } } + results.drain(for: .seconds(1))
            for id in ids {
                #expect(answered.results(for: id).map(\.status) == [.accepted], "\(id): one result")
            }
            let notes = try await harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") }
            #expect(notes == 6)
            await results.close()
        }
    }
}
