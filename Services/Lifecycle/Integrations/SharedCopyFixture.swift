import Foundation
import GRDB
import Models
import Pipeline

/// The bench's stored-share fixture on Lifecycle's side: the read-only copies that go with the
/// shares Sharing's `seed-shares` adds to a stopped Sharing. Every stored shared copy is copied
/// `copies` times, named as Sharing names its copies (`<id>c<n>`, destinations `<workspace>c<n>`),
/// and each is written by ``LifecycleProjection`` from the `ShareAccepted` Lifecycle would have
/// received. Lifecycle does not keep who asked for and accepted a share; the fixture names
/// ``fixtureUser`` for both.
public enum SharedCopyFixture {
    static let fixtureUser = UserID(rawValue: "usr_fixture")
    static let copiesPerTransaction = 10_000

    /// Adds `copies` copies of every shared copy into a real workspace (not of the fixture's own);
    /// returns the number stored afterwards.
    public static func grow(database path: String, copies: Int) async throws -> Int {
        let store = try ServiceStore(path: path, migrations: LifecycleMigrations.register)
        let templates = try await store.reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT shared_copy.*, integration.kind, integration.name, workspace.organization_id
                    FROM shared_copy
                    JOIN integration ON integration.id = shared_copy.source_integration_id
                    JOIN workspace ON workspace.id = shared_copy.source_workspace_id
                    WHERE shared_copy.destination_workspace_id IN (SELECT id FROM workspace)
                    ORDER BY shared_copy.id
                    """
            ).map { row in
                (
                    share: ShareReference(
                        shareID: row["share_id"],
                        organizationID: row["organization_id"],
                        integrationID: row["source_integration_id"],
                        integrationKind: row["kind"],
                        integrationName: row["name"],
                        sourceWorkspaceID: row["source_workspace_id"],
                        destinationWorkspaceID: row["destination_workspace_id"],
                        requestedBy: fixtureUser
                    ), copyID: row["id"] as IntegrationID, createdAt: row["created_at"] as Date
                )
            }
        }
        // Copy n of template i is the (n - 1) * templates + i-th copy written.
        let total = copies * templates.count
        for start in stride(from: 0, to: total, by: copiesPerTransaction) {
            try await store.write { db in
                for index in start..<min(start + copiesPerTransaction, total) {
                    let (template, suffix) = (templates[index % templates.count], "c\(index / templates.count + 1)")
                    var share = template.share
                    share.shareID = ShareID(rawValue: share.shareID.rawValue + suffix)
                    share.destinationWorkspaceID = WorkspaceID(rawValue: share.destinationWorkspaceID.rawValue + suffix)
                    let accepted = ShareAccepted(
                        share: share,
                        copyIntegrationID: IntegrationID(rawValue: template.copyID.rawValue + suffix),
                        acceptedBy: fixtureUser,
                        automatic: true
                    )
                    try LifecycleProjection.apply(accepted, at: template.createdAt, db: db)
                }
            }
        }
        return try await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shared_copy") ?? 0 }
    }
}
