import Foundation
import GRDB
import Testing

@testable import Lifecycle

/// `lifecycle.v9` gives every user an organization: rows from before keep their ids, members and
/// keys, and the same address can then be a user in another organization.
@Suite("Users per organization: the migration")
struct UserMigrationTests {
    @Test func usersFromBeforeTakeTheOrganizationOfTheirWorkspace() throws {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        LifecycleMigrations.register(&migrator)
        try migrator.migrate(queue, upTo: "lifecycle.v8: deactivation")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO organization (id, name, name_key, created_at) VALUES ('org_a', 'A', 'a', '2030-01-01'), ('org_b', 'B', 'b', '2030-01-01');
                    INSERT INTO workspace (id, organization_id, name, name_key, status, created_at)
                        VALUES ('ws_a', 'org_a', 'A', 'a', 'active', '2030-01-01'), ('ws_b', 'org_b', 'B', 'b', 'active', '2030-01-02');
                    INSERT INTO user (id, email) VALUES ('usr_ana', 'ana@a.example'), ('usr_gone', 'gone@a.example');
                    INSERT INTO member (workspace_id, user_id, role) VALUES ('ws_a', 'usr_ana', 'owner'), ('ws_b', 'usr_ana', 'owner');
                    INSERT INTO api_key (client_id, secret_hash, workspace_id, user_id, scopes, issuer_role, created_at)
                        VALUES ('key_ana', 'h', 'ws_b', 'usr_ana', 'workspace.read', 'owner', '2030-01-01');
                    """
            )
        }
        try migrator.migrate(queue)
        try queue.read { db in
            let users = try Row.fetchAll(db, sql: "SELECT id, email, organization_id FROM user ORDER BY id")
            #expect(users.map { $0["id"] as String } == ["usr_ana", "usr_gone"])
            #expect(users.map { $0["organization_id"] as String? } == ["org_a", nil], "the earliest workspace's organization; none without one")
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM member JOIN user ON user.id = member.user_id") == 2)
        }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO user (id, email, organization_id) VALUES ('usr_ana_b', 'ANA@a.example', 'org_b')")
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO user (id, email, organization_id) VALUES ('usr_twice', 'ana@A.example', 'org_a')")
            }
        }
    }
}
