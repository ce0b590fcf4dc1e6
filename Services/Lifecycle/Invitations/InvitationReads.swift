import Foundation
import GRDB
import Models

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
    /// A workspace's invitations, newest first, as they stand at `now`; nil when the workspace is unknown.
    static func invitations(in workspace: WorkspaceID, now: Date, db: Database) throws -> [InvitationView]? {
        guard try WorkspaceStore.exists(workspace, db: db) else { return nil }
        return try InvitationRecord.filter(InvitationRecord.CodingKeys.workspaceID == workspace.rawValue)
            .order(InvitationRecord.CodingKeys.createdAt.desc).fetchAll(db).map { InvitationView($0, now: now) }
    }
}
