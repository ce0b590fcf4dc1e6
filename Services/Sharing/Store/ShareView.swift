import Foundation
import GRDB
import Models

/// A share as the read side shows it. `direction` is relative to the workspace a list was asked for.
struct ShareView: Codable {
    struct Integration: Codable {
        var id: String
        var kind: String
        /// The current name while the source integration exists; the name it had when shared otherwise.
        var name: String
        var vendor: String?
    }

    struct Transition: Codable {
        var status: String
        var by: String?
        var automatic: Bool
        var cause: String?
        var reason: String?
        var at: Date
    }

    var shareID: String
    var status: String
    var direction: String?
    var integration: Integration
    var sourceWorkspaceID: String
    var destinationWorkspaceID: String
    var requestedBy: String
    var requestedAt: Date
    var expiresAt: Date
    var copyIntegrationID: String?
    var updatedAt: Date
    var history: [Transition]?

    enum CodingKeys: String, CodingKey {
        case shareID = "share_id"
        case status, direction, integration
        case sourceWorkspaceID = "source_workspace_id"
        case destinationWorkspaceID = "destination_workspace_id"
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
        case expiresAt = "expires_at"
        case copyIntegrationID = "copy_integration_id"
        case updatedAt = "updated_at"
        case history
    }

    /// A row of `share` joined (left) with `sharing_integration` as `current_name` and `vendor`.
    init(row: Row, relativeTo workspace: WorkspaceID? = nil) {
        shareID = row["id"]
        status = row["status"]
        sourceWorkspaceID = row["source_workspace_id"]
        destinationWorkspaceID = row["destination_workspace_id"]
        let source: WorkspaceID = row["source_workspace_id"]
        direction = workspace.map { $0 == source ? ShareFilter.Direction.from.rawValue : ShareFilter.Direction.to.rawValue }
        integration = Integration(
            id: row["integration_id"],
            kind: row["integration_kind"],
            name: row["current_name"] ?? row["integration_name"],
            vendor: row["vendor"]
        )
        requestedBy = row["requested_by"]
        requestedAt = row["requested_at"]
        expiresAt = row["expires_at"]
        copyIntegrationID = row["copy_integration_id"]
        updatedAt = row["updated_at"]
    }
}
