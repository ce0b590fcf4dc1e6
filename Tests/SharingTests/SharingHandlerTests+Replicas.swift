import Foundation
import GRDB
import Models
import Testing

@testable import Sharing

/// The replicas keep what belongs to someone: an event naming an id that is another workspace's
/// or another user's changes nothing of theirs, while a member's role change in the same workspace
/// and an integration's change in its own workspace still apply.
extension SharingHandlerTests {
    func integration(_ workspace: WorkspaceID, name: String) -> IntegrationSnapshot {
        IntegrationSnapshot(
            workspaceID: workspace,
            integrationID: integrationID,
            kind: .step,
            vendor: "slack",
            name: name,
            parameters: [:],
            secretFields: [],
            refreshState: nil
        )
    }

    func replicated() throws -> [String] {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT workspace_id, name FROM sharing_integration").map {
                "\($0["workspace_id"] as String):\($0["name"] as String)"
            }
        }
    }

    @Test func theIntegrationReplicaNeverTakesAnotherWorkspacesRow() throws {
        try seed()
        #expect(try replicated() == ["\(source):Slack alerts"])
        try lifecycle(IntegrationCreated(integration: integration(destination, name: "Loot")))
        try lifecycle(IntegrationUpdated(integration: integration(destination, name: "Loot")))
        #expect(try replicated() == ["\(source):Slack alerts"])
        try lifecycle(IntegrationUpdated(integration: integration(source, name: "Renamed")))
        #expect(try replicated() == ["\(source):Renamed"])
    }

    @Test func theDirectoryKeepsAUsersEmailAndAMembersRowIsItsWorkspaces() throws {
        try seed()
        try lifecycle(MemberAdded(workspaceID: destination, userID: owner, email: "mallory@evil.example", role: .viewer))
        try store.writer.read { db in
            #expect(
                try String.fetchOne(db, sql: "SELECT email FROM directory_user WHERE id = ?", arguments: [owner]) == "\(owner.rawValue)@acme.example"
            )
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT workspace_id, email, role FROM directory_member WHERE user_id = ? ORDER BY workspace_id",
                arguments: [owner]
            )
            // Added again to the destination: only the role changes (Admin to Viewer there), the email stays the user's.
            #expect(
                rows.map { "\($0["workspace_id"] as String) \($0["email"] as String) \($0["role"] as String)" }.sorted()
                    == [
                        "\(destination.rawValue) \(owner.rawValue)@acme.example viewer", "\(source.rawValue) \(owner.rawValue)@acme.example owner",
                    ].sorted()
            )
        }
    }
}
