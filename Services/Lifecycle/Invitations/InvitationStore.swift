import Foundation
import GRDB
import Models
import Pipeline

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
        case id
        case workspaceID = "workspace_id"
        case email, role, status
        case tokenHash = "token_hash"
        case invitedBy = "invited_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case acceptedBy = "accepted_by"
    }
}

/// The `invitation` table: the state the invitation rules need, read from it and the workspace's
/// members, and the projection of the invitation events, the only code that writes it.
enum InvitationStore {
    // MARK: The state the rules need

    /// What is known about each (normalized) address in the caller's workspace.
    static func invitees(_ emails: [String], in workspace: WorkspaceID?, db: Database) throws -> [String: InvitationRules.InviteeState] {
        var states: [String: InvitationRules.InviteeState] = [:]
        guard let workspace else { return states }
        for raw in emails {
            let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let isMember =
                try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM member JOIN user ON user.id = member.user_id WHERE member.workspace_id = ? AND user.email = ?)
                            """
                    ),
                    arguments: [workspace.rawValue, email]
                ) ?? false
            let pending = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM invitation WHERE workspace_id = ? AND email = ? AND status = ? ORDER BY created_at DESC LIMIT 1
                        """
                ),
                arguments: [workspace.rawValue, email, InvitationStatus.pending.rawValue]
            )
            states[email] = InvitationRules.InviteeState(isMember: isMember, pendingInvitation: pending.map(InvitationID.init(rawValue:)))
        }
        return states
    }

    /// The cap of `perDay` invitations on `workspace` and what it sent in the window before `now`
    /// (`invitation_by_workspace_created`); no cap for the operator, who has no workspace, or when `perDay` is 0.
    static func sendCap(perDay: Int, in workspace: WorkspaceID?, now: Date, db: Database) throws -> InvitationRules.SendCap {
        guard let workspace, perDay > 0 else { return InvitationRules.SendCap(perDay: 0) }
        var cap = InvitationRules.SendCap(perDay: perDay)
        let since = StoredTimestamp(now.addingTimeInterval(-InvitationRules.SendCap.window))
        cap.sent =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM invitation WHERE workspace_id = ? AND created_at > ?"),
                arguments: [workspace.rawValue, since]
            ) ?? 0
        guard cap.sent > 0 else { return cap }
        cap.oldestHolding = try Date.fetchOne(
            db.cachedStatement(
                sql: "SELECT created_at FROM invitation WHERE workspace_id = ? AND created_at > ? ORDER BY created_at LIMIT 1 OFFSET ?"
            ),
            arguments: [workspace.rawValue, since, max(0, cap.sent - perDay)]
        )
        return cap
    }

    static func invitation(_ id: InvitationID, db: Database) throws -> InvitationRules.InvitationState? {
        guard id.isWellFormed, let record = try InvitationRecord.fetchOne(db, key: id.rawValue),
            let workspace = try WorkspaceRecord.fetchOne(db, key: record.workspaceID.rawValue)
        else { return nil }
        // Only a user of this organization: an invitation never attaches to anyone else's user.
        let user = try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM user WHERE email = ? AND organization_id = ?"),
            arguments: [record.email, workspace.organizationID.rawValue]
        ).map(UserID.init(rawValue:))
        let isMember =
            try user.map { try MemberRecord.exists(db, key: ["workspace_id": record.workspaceID.rawValue, "user_id": $0.rawValue]) } ?? false
        return InvitationRules.InvitationState(
            workspaceID: record.workspaceID,
            email: record.email,
            role: record.role,
            status: record.status,
            expiresAt: record.expiresAt,
            tokenHash: record.tokenHash,
            workspaceActive: workspace.status == .active,
            existingUser: user,
            isMember: isMember,
            maxKeyLifetimeDays: try OrganizationStore.maxKeyLifetimeDays(workspace.organizationID, db: db) ?? KeyLifetime.defaultMaximumDays
        )
    }

    // MARK: Projection

    static let projection = MessageTable<ProjectionTarget, Void>()
        .on(InvitationSent.self) { event, target in
            try InvitationRecord(
                id: event.invitationID,
                workspaceID: event.workspaceID,
                email: event.email,
                role: event.role,
                status: .pending,
                tokenHash: event.tokenHash,
                invitedBy: event.invitedBy,
                createdAt: target.time,
                expiresAt: event.expiresAt,
                acceptedBy: nil
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
