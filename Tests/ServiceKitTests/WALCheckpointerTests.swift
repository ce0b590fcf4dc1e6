import Foundation
import GRDB
import Kafka
import Logging
import Testing

@testable import Pipeline
@testable import ServiceKit

/// The checkpointer copies committed log pages into the database file while the writer does not.
@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    @Test func copiesTheLogIntoTheDatabaseFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenancy-wal-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("service.sqlite").path
        let store = try ServiceStore(path: path, migrations: { _ in })
        // About 2 MB in a few hundred log pages: far below the writer's own checkpoint threshold.
        try await store.writer.write { db in
            for index in 0..<500 {
                try Outbox.insert(KafkaRecord(topic: "t", key: nil, value: Data(repeating: UInt8(index % 256), count: 4_000)), now: Date(), db: db)
            }
        }
        let before = try Self.size(of: path)
        #expect(before < 1_000_000, "the rows are only in the log so far (database file \(before) bytes)")

        let checkpointing = Task { try await WALCheckpointer(path: path, interval: .milliseconds(20), logger: Logger(label: "test")).run() }
        defer { checkpointing.cancel() }
        var after = before
        let deadline = ContinuousClock.now + .seconds(10)
        while after < 2_000_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            after = try Self.size(of: path)
        }
        #expect(after >= 2_000_000, "the database file holds the rows after a checkpoint (\(after) bytes)")
    }

    private static func size(of path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }
}
