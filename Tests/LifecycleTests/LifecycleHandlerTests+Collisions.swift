import Foundation
import GRDB
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

/// An id a command would create that exists already, the way a derived id came back when its command
/// id was sent again, is refused (`already_exists`) and nothing of its owner's is written over.
extension LifecycleHandlerTests {
    /// Runs `command` as `credential` in a context whose new ids are `ids[label]` (random for other labels).
    func run<M: Message>(_ command: M, as credential: Credential, ids: [String: String], id: String = UUID().uuidString) throws -> CommandOutcome {
        let envelope = Envelope(
            id: id,
            type: M.messageType,
            source: "/t",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(command)
        ).signed(by: credential, for: "lifecycle")
        let live = DecisionContext.live(commandID: envelope.id, now: now)
        let context = DecisionContext(
            now: now,
            commandID: envelope.id,
            makeID: { label in ids[label] ?? String(live.newID(label, as: EventID.self).rawValue.dropFirst(4)) },
            makeSecret: { live.newSecret() }
        )
        return try store.writer.write { db in
            let sender = try handler.authenticate(command, envelope: envelope, now: now, db: db)
            return try handler.handle(command, from: sender, envelope: envelope, context: context, db: db)
        }
    }

    /// Another organization's owner key and workspace.
    func otherOrganization() throws -> (workspace: WorkspaceID, credential: Credential) {
        let other = try run(CreateOrganization(name: "Globex", ownerEmail: "owner@globex.example"), as: TestKeys.operatorCredential)
        return (
            WorkspaceID(rawValue: other.created["workspace_id"]!),
            .apiKey(clientID: ClientID(rawValue: other.created["client_id"]!), secret: other.secrets!["client_secret"]!)
        )
    }

    /// An integration's row and sealed secrets, as stored.
    func stored(_ id: String) throws -> [String] {
        try store.writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM integration WHERE id = ?", arguments: [id]).map { "\($0)" } ?? "none"
            let secrets = try Data.fetchAll(db, sql: "SELECT sealed FROM integration_secret WHERE integration_id = ? ORDER BY field", arguments: [id])
            return [row] + secrets.map { $0.base64EncodedString() }
        }
    }

    @Test func anIntegrationWhoseNewIDExistsIsRefusedAndTheOwnersIsUnchanged() throws {
        let (_, acme) = try bootstrap()
        let (_, globex) = try otherOrganization()
        let victim = try run(
            CreateIntegration(
                kind: .step,
                vendor: "slack",
                name: "Alerts",
                parameters: ["channel": "#acme"],
                sealedSecrets: sealedForLifecycle(["token": "acme-token"], commandID: "c-acme")
            ),
            as: acme,
            id: "c-acme"
        ).created["integration_id"]!
        let before = try stored(victim)
        let attack = CreateIntegration(
            kind: .step,
            vendor: "slack",
            name: "Alerts",
            parameters: ["channel": "#loot"],
            sealedSecrets: try sealedForLifecycle(["token": "loot"], commandID: "c-attack")
        )
        #expect { try run(attack, as: globex, ids: ["integration": String(victim.dropFirst("int_".count))], id: "c-attack") } throws: {
            ($0 as? Rejection)?.code == .alreadyExists
        }
        #expect(try stored(victim) == before)
    }

    @Test func theProjectionAndTheSecretStoreNeverWriteOverAnotherWorkspacesIntegration() throws {
        let (_, acme) = try bootstrap()
        let (globexWorkspace, _) = try otherOrganization()
        let victim = IntegrationID(
            rawValue: try run(
                CreateIntegration(
                    kind: .secret,
                    vendor: "vault",
                    name: "DB",
                    sealedSecrets: sealedForLifecycle(["password": "acme"], commandID: "c-db")
                ),
                as: acme,
                id: "c-db"
            ).created["integration_id"]!
        )
        let before = try stored(victim.rawValue)
        let foreign = IntegrationSnapshot(
            workspaceID: globexWorkspace,
            integrationID: victim,
            kind: .secret,
            vendor: "vault",
            name: "Loot",
            parameters: ["url": "https://attacker.example"],
            secretFields: ["password"],
            refreshState: nil
        )
        try store.writer.write { (db: Database) throws -> Void in
            #expect { try LifecycleProjection.apply(IntegrationCreated(integration: foreign), at: now, db: db) } throws: {
                ($0 as? DatabaseError)?.isUniquenessViolation == true
            }
            #expect { try LifecycleProjection.apply(IntegrationUpdated(integration: foreign), at: now, db: db) } throws: {
                ($0 as? Rejection)?.code == .notFound
            }
            let changes = IntegrationRules.SecretChanges(integrationID: victim, workspaceID: globexWorkspace, set: ["password": "loot"])
            #expect { try SecretStore.apply(changes, box: try SecretBox(base64Key: testSecretsKey), db: db) } throws: {
                ($0 as? Rejection)?.code == .alreadyExists
            }
        }
        #expect(try stored(victim.rawValue) == before)
    }

    @Test func aNewUserWhoseIDIsSomeoneElsesIsRefused() throws {
        _ = try bootstrap()
        let (victim, email) = try store.writer.read { db -> (String, String) in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT id, email FROM user"))
            return (row["id"], row["email"])
        }
        let body = String(victim.dropFirst("usr_".count))
        #expect {
            try run(CreateOrganization(name: "Initech", ownerEmail: "mallory@initech.example"), as: TestKeys.operatorCredential, ids: ["user": body])
        } throws: { ($0 as? Rejection)?.code == .alreadyExists }
        try store.writer.read { (db: Database) throws -> Void in
            #expect(try String.fetchAll(db, sql: "SELECT email FROM user") == [email])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organization WHERE name = 'Initech'") == 0)
        }
    }
}

extension DatabaseError {
    fileprivate var isUniquenessViolation: Bool {
        extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
    }
}
