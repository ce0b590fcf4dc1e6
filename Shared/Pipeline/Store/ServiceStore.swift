import Foundation
import GRDB
import Kafka

/// A service's SQLite database: the shared pipeline tables plus the service's own, migrated at open.
///
/// A file is opened as a WAL `DatabasePool`; without a path an in-memory queue is used (unit tests).
public final class ServiceStore: Sendable {
    public let writer: any DatabaseWriter

    /// - Parameter migrations: the service's own migrations, registered after the shared ones.
    ///   Once shipped, a migration is never edited; new ones are appended.
    public init(path: String?, migrations: (inout DatabaseMigrator) -> Void) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        if let path {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        var migrator = DatabaseMigrator()
        Self.registerPipelineMigrations(&migrator)
        migrations(&migrator)
        try migrator.migrate(writer)
    }

    static func registerPipelineMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("pipeline.v1") { db in
            try db.create(table: "inbox") { t in
                t.primaryKey("message_id", .text)
                t.column("message_type", .text).notNull()
                t.column("fingerprint", .blob).notNull()
                t.column("result", .blob)
                t.column("processed_at", .datetime).notNull()
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("topic", .text).notNull()
                t.column("key", .blob)
                t.column("headers", .blob).notNull()
                t.column("value", .blob)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "consumer_offset") { t in
                t.column("topic", .text).notNull()
                t.column("partition", .integer).notNull()
                t.column("next_offset", .integer).notNull()
                t.primaryKey(["topic", "partition"])
            }
        }
        migrator.registerMigration("pipeline.v2: inbox retention") { db in
            try db.create(index: "inbox_by_time", on: "inbox", columns: ["processed_at"])
        }
    }

    /// Where to resume each partition: the stored next offset, for those that have one.
    public func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try writer.read { db in
            var offsets: [TopicPartition: Int64] = [:]
            for partition in partitions {
                if let record = try ConsumerOffsetRecord.fetchOne(db, key: ["topic": partition.topic, "partition": partition.partition]) {
                    offsets[partition] = record.nextOffset
                }
            }
            return offsets
        }
    }

    /// Number of records not yet acknowledged by the broker.
    public func outboxDepth() throws -> Int {
        try writer.read { db in try OutboxRecord.fetchCount(db) }
    }
}
