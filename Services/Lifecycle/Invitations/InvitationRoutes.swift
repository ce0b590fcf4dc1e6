import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /workspaces/{id}/invitations`: a workspace's invitations with their state, never tokens.
enum InvitationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/invitations") { _, context -> Response in
            let id = try context.parameters.require("id")
            let now = Date()
            let invitations = try await reader.read { db -> [InvitationView]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                return try InvitationRecord.filter(InvitationRecord.CodingKeys.workspaceID == id)
                    .order(InvitationRecord.CodingKeys.createdAt.desc).fetchAll(db).map { InvitationView($0, now: now) }
            }
            return try JSONResponse.make(invitations.map { ["invitations": $0] }, notFound: "workspace '\(id)' not found")
        }
    }
}

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
        case invitationID = "invitation_id", email, role, status, invitedBy = "invited_by", createdAt = "created_at", expiresAt = "expires_at"
    }
}
