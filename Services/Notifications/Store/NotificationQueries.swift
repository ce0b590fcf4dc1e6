import Directory
import Foundation
import GRDB
import Models

enum NotificationQueries {
    /// Owners, names and addresses of what an event names, as the directory knows them now.
    static func audience(workspaces: Set<WorkspaceID>, users: Set<UserID>, db: Database) throws -> Audience {
        var audience = Audience()
        for workspace in workspaces {
            audience.owners[workspace] = try Directory.members(of: workspace, role: .owner, db: db)
            audience.workspaceNames[workspace] = try Directory.workspace(workspace, db: db)?.name
        }
        for user in users {
            audience.emails[user] = try Directory.email(of: user, db: db)
        }
        return audience
    }

    /// Pending emails whose next attempt is due, oldest first.
    static func due(now: Date, limit: Int, db: Database) throws -> [NotificationRecord] {
        try NotificationRecord
            .filter(NotificationRecord.CodingKeys.status == NotificationRecord.Status.pending && NotificationRecord.CodingKeys.nextAttemptAt <= now)
            .order(NotificationRecord.CodingKeys.nextAttemptAt)
            .limit(limit)
            .fetchAll(db)
    }
}
