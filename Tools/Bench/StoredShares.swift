import Foundation
import GRDB

/// Grows the stopped services' databases to a given number of stored shares by copying the real
/// rows the run created (each copy an accepted share with a synthetic destination and its own
/// read-only copy in Lifecycle), so that start-up and memory can be measured at that size.
enum StoredShares {
    static func count(in sharingDatabase: String) throws -> Int {
        try DatabaseQueue(path: sharingDatabase).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM share") ?? 0 }
    }

    /// Copies every share (and its history, and Lifecycle's copies) `copies` times; returns the new count.
    static func grow(sharing: String, lifecycle: String, to target: Int) throws -> Int {
        let current = try count(in: sharing)
        guard current > 0, target > current else { return current }
        let copies = (target - current + current - 1) / current
        let series = "WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < \(copies))"
        try DatabaseQueue(path: sharing).write { db in
            try db.execute(sql: """
                \(series)
                INSERT INTO share (id, organization_id, integration_id, integration_kind, integration_name, source_workspace_id,
                                   destination_workspace_id, requested_by, requested_at, expires_at, status, copy_integration_id, updated_at)
                SELECT id || 'c' || n, organization_id, integration_id, integration_kind, integration_name, source_workspace_id,
                       destination_workspace_id || 'c' || n, requested_by, requested_at, expires_at, status, copy_integration_id || 'c' || n, updated_at
                FROM share, copies
                """)
            try db.execute(sql: """
                \(series)
                INSERT INTO share_history (share_id, status, by, automatic, cause, reason, at)
                SELECT share_id || 'c' || n, status, by, automatic, cause, reason, at FROM share_history, copies
                """)
        }
        try DatabaseQueue(path: lifecycle).write { db in
            try db.execute(sql: """
                \(series)
                INSERT INTO shared_copy (id, share_id, source_integration_id, source_workspace_id, destination_workspace_id, created_at)
                SELECT id || 'c' || n, share_id || 'c' || n, source_integration_id, source_workspace_id, destination_workspace_id || 'c' || n, created_at
                FROM shared_copy, copies
                """)
        }
        return try count(in: sharing)
    }

    /// The size of a database whose service has stopped (its write-ahead log checkpointed away).
    static func megabytes(of database: String) throws -> Double {
        let queue = try DatabaseQueue(path: database)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let bytes = (try FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0
        return Double(bytes) / 1_048_576
    }
}
