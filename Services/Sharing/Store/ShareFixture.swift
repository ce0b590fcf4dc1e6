import Foundation
import GRDB
import Models
import Pipeline

/// The bench's stored-share fixture: a stopped Sharing's database grown to a number of shares, to
/// measure start-up, memory and size at that scale. Every accepted share is shared again with
/// synthetic destinations (`<destination>c<n>`, copies `<copy>c<n>`), and each new share is written by
/// ``SharingProjection`` from the two events a real auto-accepted share produces, so its rows are
/// the ones the service itself stores. Lifecycle's `seed-shared-copies` adds the matching copies.
/// A database is grown once: the copies' names would repeat.
public enum ShareFixture {
    public struct Growth: Codable, Sendable {
        /// Times every accepted share was copied: what Lifecycle's shared copies are grown by.
        public var copies: Int
        /// Shares stored afterwards.
        public var shares: Int
    }

    /// An accepted share to copy, with the times of its two events.
    struct Template: Sendable {
        var share: ShareReference
        var expiresAt: Date
        var copyIntegrationID: IntegrationID
        var requestedAt: Date
        var acceptedAt: Date

        /// Copy `n`'s events, each with the time the projection records.
        func events(copy n: Int) -> [(event: any Message, at: Date)] {
            var share = share
            share.shareID = ShareID(rawValue: share.shareID.rawValue + "c\(n)")
            share.destinationWorkspaceID = WorkspaceID(rawValue: share.destinationWorkspaceID.rawValue + "c\(n)")
            let copy = IntegrationID(rawValue: copyIntegrationID.rawValue + "c\(n)")
            return [
                (ShareRequested(share: share, needsApproval: false, expiresAt: expiresAt), requestedAt),
                (ShareAccepted(share: share, copyIntegrationID: copy, acceptedBy: share.requestedBy, automatic: true), acceptedAt),
            ]
        }
    }

    /// Shares written per transaction.
    static let sharesPerTransaction = 10_000

    /// Copies every accepted share as often as it takes to store at least `target` shares.
    public static func grow(database path: String, to target: Int) async throws -> Growth {
        let store = try ServiceStore(path: path, migrations: SharingMigrations.register)
        let stored = try await store.reader.read { db in try count(db) }
        guard target > stored else { return Growth(copies: 0, shares: stored) }
        // Destinations the directory does not know are the fixture's own.
        let grown = try await store.reader.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM share WHERE destination_workspace_id NOT IN (SELECT id FROM directory_workspace))"
            ) ?? false
        }
        guard !grown else { throw FixtureError(description: "\(path) already holds fixture shares; grow a database once, from the run that made it") }
        let templates = try await store.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM share WHERE status = ? ORDER BY id", arguments: [ShareStatus.accepted]).compactMap {
                row -> Template? in
                let state = SharingQueries.shareState(row)
                guard let copy = state.copyIntegrationID else { return nil }
                return Template(
                    share: state.reference,
                    expiresAt: state.expiresAt,
                    copyIntegrationID: copy,
                    requestedAt: row["requested_at"],
                    acceptedAt: row["updated_at"]
                )
            }
        }
        guard !templates.isEmpty else { return Growth(copies: 0, shares: stored) }
        let copies = (target - stored + templates.count - 1) / templates.count
        // Copy n of template i is the (n - 1) * templates + i-th share written.
        let total = copies * templates.count
        for start in stride(from: 0, to: total, by: sharesPerTransaction) {
            try await store.write { db in
                for index in start..<min(start + sharesPerTransaction, total) {
                    for (event, time) in templates[index % templates.count].events(copy: index / templates.count + 1) {
                        try SharingProjection.apply(event, at: time, db: db)
                    }
                }
            }
        }
        return Growth(copies: copies, shares: try await store.reader.read { db in try count(db) })
    }

    private static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM share") ?? 0
    }
}

/// Why a fixture cannot be written.
public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
}
