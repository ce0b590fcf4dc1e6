import Directory
import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Sharing

/// The bench's fixture: copies of the accepted shares, written by Sharing's own projection.
@Suite("Share fixture")
struct ShareFixtureTests {
    @Test func copiesEachAcceptedShareUntilTheCountIsReached() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tenancy-share-fixture-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let accepted = shareState(status: .accepted, id: "shr_1")
        let pending = shareState(status: .pending, to: WorkspaceID(rawValue: "ws_other"), id: "shr_2")
        let requested = Date(timeIntervalSince1970: 1_800_000_000)
        try await ServiceStore(path: path, migrations: SharingMigrations.register).write { db in
            for share in [accepted, pending] {
                let workspace = share.reference.destinationWorkspaceID
                try DirectoryProjection.apply(
                    WorkspaceCreated(workspaceID: workspace, organizationID: organization, name: workspace.rawValue, createdBy: nil),
                    db: db
                )
                try SharingProjection.apply(
                    ShareRequested(share: share.reference, needsApproval: true, expiresAt: share.expiresAt),
                    at: requested,
                    db: db
                )
            }
            let copy = try #require(accepted.copyIntegrationID)
            try SharingProjection.apply(
                ShareAccepted(share: accepted.reference, copyIntegrationID: copy, acceptedBy: sharer, automatic: false),
                at: requested,
                db: db
            )
        }

        let growth = try await ShareFixture.grow(database: path, to: 5)
        #expect(growth.copies == 3 && growth.shares == 5, "only the accepted share is copied, 3 times for 3 more shares")
        let store = try ServiceStore(path: path, migrations: SharingMigrations.register)
        let copy = try #require(try await store.reader.read { db in try SharingReads.share(ShareID(rawValue: "shr_1c2"), db: db) })
        #expect(copy.status == ShareStatus.accepted.rawValue && copy.destinationWorkspaceID == "ws_destc2" && copy.copyIntegrationID == "int_copy1c2")
        #expect(copy.history?.map(\.status) == ["pending", "accepted"] && copy.requestedAt == requested)
        #expect(try await ShareFixture.grow(database: path, to: 5).copies == 0, "a database that is large enough stays as it is")
        await #expect(throws: FixtureError.self, "a database is grown once") { try await ShareFixture.grow(database: path, to: 10) }
    }
}
