import Foundation
import GRDB
import Models

/// The state the invitation rules need, read from `invitation` and the workspace's members.
enum InvitationQueries {
    /// What is known about each (normalized) address in the caller's workspace.
    static func invitees(_ emails: [String], in workspace: WorkspaceID?, db: Database) throws -> [String: InvitationRules.InviteeState] {
        var states: [String: InvitationRules.InviteeState] = [:]
        guard let workspace else { return states }
        for raw in emails {
            let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let isMember = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM member JOIN user ON user.id = member.user_id WHERE member.workspace_id = ? AND user.email = ?)
                """), arguments: [workspace.rawValue, email]) ?? false
            let pending = try String.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM invitation WHERE workspace_id = ? AND email = ? AND status = ? ORDER BY created_at DESC LIMIT 1
                """), arguments: [workspace.rawValue, email, InvitationStatus.pending.rawValue])
            states[email] = InvitationRules.InviteeState(isMember: isMember, pendingInvitation: pending.map(InvitationID.init(rawValue:)))
        }
        return states
    }

    static func invitation(_ id: InvitationID, db: Database) throws -> InvitationRules.InvitationState? {
        guard id.isWellFormed, let record = try InvitationRecord.fetchOne(db, key: id.rawValue),
              let workspace = try WorkspaceRecord.fetchOne(db, key: record.workspaceID.rawValue)
        else { return nil }
        let user = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM user WHERE email = ?"), arguments: [record.email]).map(UserID.init(rawValue:))
        let isMember = try user.map { try MemberRecord.exists(db, key: ["workspace_id": record.workspaceID.rawValue, "user_id": $0.rawValue]) } ?? false
        return InvitationRules.InvitationState(
            workspaceID: record.workspaceID, email: record.email, role: record.role, status: record.status, expiresAt: record.expiresAt,
            tokenHash: record.tokenHash, workspaceActive: workspace.status == .active, existingUser: user, isMember: isMember
        )
    }
}
