import Foundation
import GRDB
import Models

/// One row of `invitation`. `pending` ones past `expiresAt` are expired; nothing needs to update them.
struct InvitationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "invitation"
    var id: InvitationID
    var workspaceID: WorkspaceID
    var email: String
    var role: Role
    var status: InvitationStatus
    var tokenHash: String
    var invitedBy: UserID
    var createdAt: Date
    var expiresAt: Date
    var acceptedBy: UserID?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, workspaceID = "workspace_id", email, role, status, tokenHash = "token_hash", invitedBy = "invited_by"
        case createdAt = "created_at", expiresAt = "expires_at", acceptedBy = "accepted_by"
    }
}

/// Applies the invitation events to `invitation`.
enum InvitationProjection {
    static let table = MessageTable<ProjectionTarget, Void>()
        .on(InvitationSent.self) { event, target in
            try InvitationRecord(
                id: event.invitationID, workspaceID: event.workspaceID, email: event.email, role: event.role, status: .pending,
                tokenHash: event.tokenHash, invitedBy: event.invitedBy, createdAt: target.time, expiresAt: event.expiresAt, acceptedBy: nil
            ).insert(target.db)
        }
        .on(InvitationRevoked.self) { event, target in
            let status: InvitationStatus = event.reason == .replaced ? .replaced : .revoked
            try target.db.cachedStatement(sql: "UPDATE invitation SET status = ? WHERE id = ?")
                .execute(arguments: [status.rawValue, event.invitationID.rawValue])
        }
        .on(InvitationAccepted.self) { event, target in
            try target.db.cachedStatement(sql: "UPDATE invitation SET status = ?, accepted_by = ? WHERE id = ?")
                .execute(arguments: [InvitationStatus.accepted.rawValue, event.userID.rawValue, event.invitationID.rawValue])
        }
}
