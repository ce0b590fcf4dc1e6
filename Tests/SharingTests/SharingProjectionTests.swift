import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Sharing

/// An auto-accepted share is written once, as accepted, and leaves what its two events applied one
/// by one leave.
@Suite("Sharing projection")
struct SharingProjectionTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func events(_ id: String, to destination: String = "ws_b") -> [any Message] {
        let share = ShareReference(
            shareID: ShareID(rawValue: id),
            organizationID: OrganizationID(rawValue: "org_1"),
            integrationID: IntegrationID(rawValue: "int_1"),
            integrationKind: .step,
            integrationName: "Slack",
            sourceWorkspaceID: WorkspaceID(rawValue: "ws_a"),
            destinationWorkspaceID: WorkspaceID(rawValue: destination),
            requestedBy: UserID(rawValue: "usr_1")
        )
        return [
            ShareRequested(share: share, needsApproval: false, expiresAt: time.addingTimeInterval(86_400)),
            ShareAccepted(share: share, copyIntegrationID: IntegrationID(rawValue: "int_copy"), acceptedBy: share.requestedBy, automatic: true),
        ]
    }

    /// The share's row and history as text, for comparing two databases.
    static func stored(in store: ServiceStore) async throws -> [String] {
        try await store.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM share").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM share_history ORDER BY share_id, seq").map(\.description)
        }
    }

    @Test func anAutoAcceptedShareIsOneInsertWithTheRowsItsEventsWouldLeave() async throws {
        let together = try ServiceStore(path: nil, migrations: SharingMigrations.register)
        let oneByOne = try ServiceStore(path: nil, migrations: SharingMigrations.register)
        let statements = try await together.write { db in
            var written: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event, statement.sql.contains("share ") { written.append(statement.sql) }
            }
            try SharingProjection.apply(Self.events("shr_1"), at: Self.time, db: db)
            db.trace()
            return written
        }
        try await oneByOne.write { db in
            for event in Self.events("shr_1") { try SharingProjection.apply(event, at: Self.time, db: db) }
        }
        #expect(statements.filter { $0.contains("INSERT INTO share ") || $0.contains("UPDATE share ") }.count == 1, "\(statements)")
        let stored = try await Self.stored(in: together)
        #expect(stored.count == 3 && stored[0].contains("accepted") && stored[0].contains("int_copy"))
        #expect(stored == (try await Self.stored(in: oneByOne)))
    }

    @Test func eventsOfDifferentSharesAreAppliedOneByOne() async throws {
        let store = try ServiceStore(path: nil, migrations: SharingMigrations.register)
        let first = Self.events("shr_1")
        let second = Self.events("shr_2", to: "ws_c")
        // A request, then another share's acceptance: no pairing across shares.
        try await store.write { db in
            try SharingProjection.apply([first[0], second[0], second[1]], at: Self.time, db: db)
        }
        let statuses = try await store.reader.read { db in try String.fetchAll(db, sql: "SELECT id || ' ' || status FROM share ORDER BY id") }
        #expect(statuses == ["shr_1 pending", "shr_2 accepted"])
    }
}
