import Foundation
import GRDB
import Kafka

/// A service's SQLite database: the shared pipeline tables plus the service's own, migrated at open.
///
/// A file is opened as a WAL `DatabasePool`; without a path an in-memory queue is used (unit tests).
public final class ServiceStore: Sendable {
    /// The one writer: the pipeline's batch transactions and the service's own background work.
    package let writer: any DatabaseWriter

    /// Read-only access, for the read side and health checks: a route cannot write through it.
    public var reader: any DatabaseReader { writer }

    /// - Parameter migrations: the service's own migrations, registered after the shared ones.
    ///   Once shipped, a migration is never edited; new ones are appended.
    public init(path: String?, migrations: (inout DatabaseMigrator) -> Void) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Checkpoint every ~40 MB of log rather than every 4 MB: an index page changed by many
            // batches is copied into the database once. The log file is cut back to 64 MB after.
            // In a running service the `WALCheckpointer` copies the log sooner, off the writer.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        if let path {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        var migrator = DatabaseMigrator()
        Self.registerSharedMigrations(&migrator)
        migrations(&migrator)
        try migrator.migrate(writer)
    }

    /// Every migration of the pipeline's own tables, in order.
    static func registerSharedMigrations(_ migrator: inout DatabaseMigrator) {
        registerPipelineMigrations(&migrator)
        registerParkedMigration(&migrator)
        registerReplicaMigration(&migrator)
        registerPartitionMigration(&migrator)
        registerInboxOrderMigration(&migrator)
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
        migrator.registerMigration("pipeline.v3: compact outbox headers") { db in
            // Rows queued by an earlier version kept their headers as JSON `[name, base64 value]` pairs.
            // The compact form is written out here, not through `HeaderCoding`, so that this shipped
            // migration keeps doing exactly what it did whatever becomes of that type.
            for row in try Row.fetchAll(db, sql: "SELECT sequence, headers FROM outbox") {
                let json: Data = row["headers"]
                let pairs = (try? JSONDecoder().decode([[String]].self, from: json)) ?? []
                var compact: [UInt8] = [1]
                for pair in pairs where pair.count == 2 {
                    guard let value = Data(base64Encoded: pair[1]) else { continue }
                    let name = Array(pair[0].utf8)
                    compact += [UInt8(truncatingIfNeeded: name.count >> 8), UInt8(truncatingIfNeeded: name.count)] + name
                    compact += (0..<4).reversed().map { UInt8(truncatingIfNeeded: value.count >> ($0 * 8)) } + value
                }
                try db.execute(sql: "UPDATE outbox SET headers = ? WHERE sequence = ?", arguments: [Data(compact), row["sequence"]])
            }
        }
        migrator.registerMigration("pipeline.v4: inbox keyed by sender") { db in
            // A command id is its sender's idempotency key: the inbox keeps a command under its id and
            // its sender (`Sender.scope`), an event under its id and ''. Commands recorded before kept
            // no sender: they move under '*' until the retention forgets them. A refusal of a
            // command's credential is nobody's command and is no longer kept: it is dropped here.
            try db.execute(
                sql: """
                    CREATE TABLE inbox_v4 (
                        message_id TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        message_type TEXT NOT NULL,
                        fingerprint BLOB NOT NULL,
                        result BLOB,
                        processed_at DATETIME NOT NULL,
                        PRIMARY KEY (message_id, sender)
                    );
                    INSERT INTO inbox_v4 (message_id, sender, message_type, fingerprint, result, processed_at)
                        SELECT message_id, CASE WHEN result IS NULL THEN '' ELSE '*' END, message_type, fingerprint, result, processed_at
                        FROM inbox
                        WHERE result IS NULL OR json_extract(CAST(result AS TEXT), '$.error.code') IS NOT 'unauthenticated';
                    DROP TABLE inbox;
                    ALTER TABLE inbox_v4 RENAME TO inbox;
                    CREATE INDEX inbox_by_time ON inbox (processed_at);
                    """
            )
        }
    }

    /// Parked records, out of the send path for good (``Outbox``). Registered under its own name,
    /// independent of any other pipeline migration.
    static func registerParkedMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("pipeline.v5: parked outbox records") { db in
            try db.create(table: "parked") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outbox_sequence", .integer)
                t.column("topic", .text).notNull()
                t.column("key", .blob)
                t.column("headers", .blob).notNull()
                t.column("value", .blob)
                t.column("created_at", .datetime).notNull()
                t.column("parked_at", .datetime).notNull()
                t.column("reason", .text).notNull()
                t.column("kafka_error", .integer)
            }
        }
    }

    /// Where the replica reader resumes (``ConsumerOffsets/replica``). A database from before the
    /// replicas had a reader of their own was kept by one instance holding every partition, which
    /// applied the replicas with the rest: each partition it read is where its replicas stand, and
    /// each event it applied is in the replicas, so the reader resumes there and never applies
    /// those events again (a copy the relay sent twice included).
    static func registerReplicaMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("pipeline.v6: replica offsets") { db in
            try db.create(table: "replica_offset") { t in
                t.column("topic", .text).notNull()
                t.column("partition", .integer).notNull()
                t.column("next_offset", .integer).notNull()
                t.primaryKey(["topic", "partition"])
            }
            try db.execute(
                sql: "INSERT INTO replica_offset (topic, partition, next_offset) SELECT topic, partition, next_offset FROM consumer_offset"
            )
            try db.execute(
                sql: """
                    INSERT INTO inbox (message_id, sender, message_type, fingerprint, result, processed_at)
                    SELECT message_id, ?, message_type, fingerprint, result, processed_at FROM inbox WHERE sender = ?
                    """,
                arguments: [Inbox.replicaSender, Inbox.eventSender]
            )
        }
    }

    /// A record queued for one partition (a command forwarded to the task that owns it) keeps it.
    static func registerPartitionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("pipeline.v7: records for one partition") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN partition INTEGER")
            try db.execute(sql: "ALTER TABLE parked ADD COLUMN partition INTEGER")
        }
    }

    /// The inbox is forgotten oldest row first (``Inbox/forget(before:limit:db:)``), without an index by time.
    static func registerInboxOrderMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("pipeline.v8: inbox forgotten in row order") { db in
            try db.execute(sql: "DROP INDEX inbox_by_time")
        }
    }

    /// Runs `updates` in a transaction of its own, for work outside the pipeline (email delivery).
    public func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(updates)
    }

    /// Where to resume each partition: the stored next offset, for those that have one.
    public func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try reader.read { db in try ConsumerOffsets.group.next(for: partitions, db: db) }
    }

    /// Where the replica reader resumes each partition: the stored next offset, for those that have one.
    public func replicaOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try reader.read { db in try ConsumerOffsets.replica.next(for: partitions, db: db) }
    }

    /// Number of records parked because they cannot be published.
    public func parkedCount() throws -> Int {
        try reader.read { db in try Outbox.parkedCount(db: db) }
    }

    /// Number of records not yet acknowledged by the broker.
    public func outboxDepth() throws -> Int {
        try reader.read { db in try Outbox.depth(db: db) }
    }
}
