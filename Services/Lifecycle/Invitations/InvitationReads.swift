import Foundation
import GRDB
import Models
import ServiceKit

/// An invitation in a workspace's list, with its state; never its token.
struct InvitationView: Codable {
    var invitationID: String
    var email: String
    var role: String
    /// pending, accepted, revoked, replaced or expired.
    var status: String
    var invitedBy: String
    var createdAt: Date
    var expiresAt: Date

    init(_ record: InvitationRecord, now: Date) {
        invitationID = record.id.rawValue
        email = record.email
        role = record.role.rawValue
        status = record.status == .pending && record.expiresAt <= now ? "expired" : record.status.rawValue
        invitedBy = record.invitedBy.rawValue
        createdAt = record.createdAt
        expiresAt = record.expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case email, role, status
        case invitedBy = "invited_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }
}

/// The read side's queries over `invitation`.
enum InvitationReads {
    /// Newest first (`invitation_by_workspace_created`).
    static let order = KeysetOrder("created_at", "id", descending: true)

    /// A page of a workspace's invitations, newest first, as they stand at `now`; nil when the workspace is unknown.
    static func invitations(in workspace: WorkspaceID, now: Date, page: PageRequest, db: Database) throws -> Page<InvitationView>? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        let after = try order.after(page)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM invitation WHERE workspace_id = ?\(after.sql) ORDER BY \(order.orderBy) LIMIT ?",
            arguments: [workspace] + after.arguments + [page.fetchLimit]
        )
        return try page.page(rows, order: order) { InvitationView(try InvitationRecord(row: $0), now: now) }
    }
}
