import Foundation
import GRDB
import TestSupport

/// Grows the stopped services' databases to a given number of stored shares, for measuring start-up
/// and memory at that size. The services write their own fixture, through their own projections:
/// `tenancy-sharing seed-shares` copies every accepted share with synthetic destinations, and
/// `tenancy-lifecycle seed-shared-copies` adds the read-only copies that go with them.
enum StoredShares {
    /// Shares stored in a stopped Sharing's database.
    static func count(in sharingDatabase: String) throws -> Int {
        try DatabaseQueue(path: sharingDatabase).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM share") ?? 0 }
    }

    /// What Sharing's `seed-shares` reports.
    private struct Growth: Decodable {
        var copies: Int
        var shares: Int
    }

    /// Has both services grow their fixture to at least `target` shares; returns the shares stored.
    static func grow(deployment: Deployment, to target: Int) async throws -> Int {
        let sharing = try await seed(
            "sharing",
            ["seed-shares", "--database", deployment.database("sharing"), "--count", String(target)],
            deployment: deployment
        )
        let growth = try JSONDecoder().decode(Growth.self, from: Data(sharing.utf8))
        _ = try await seed(
            "lifecycle",
            ["seed-shared-copies", "--database", deployment.database("lifecycle"), "--copies", String(growth.copies)],
            deployment: deployment
        )
        return growth.shares
    }

    /// Runs a service's seed subcommand; returns its standard output.
    private static func seed(_ service: String, _ arguments: [String], deployment: Deployment) async throws -> String {
        let executable = deployment.binaries + "/tenancy-\(service)"
        let run = try await runToCompletion(executable, arguments, timeout: .seconds(1_800))
        guard run.status == 0 else {
            throw TestSupportError("tenancy-\(service) \(arguments.joined(separator: " ")) failed (\(run.status)): \(run.errors.suffix(2_000))")
        }
        return run.output
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
