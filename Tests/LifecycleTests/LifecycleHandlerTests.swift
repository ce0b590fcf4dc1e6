import Foundation
import GRDB
import Hashing
import Models
import Pipeline
import Sealing
import TestSupport
import Testing

@testable import Lifecycle

/// The handler over a real (in-memory) SQLite database: authentication, state loading, projection.
@Suite("Lifecycle handler with SQLite")
struct LifecycleHandlerTests {
    let store: ServiceStore
    let handler: LifecycleHandler
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        store = try ServiceStore(path: nil, migrations: LifecycleMigrations.register)
        handler = LifecycleHandler(
            authenticator: TestKeys.authenticator(for: "lifecycle"),
            secretBox: try SecretBox(base64Key: testSecretsKey),
            invitationKey: testInvitationKey
        )
    }

    func run<M: Message>(_ command: M, as credential: Credential?, id: String = UUID().uuidString) throws -> CommandOutcome {
        let envelope = Envelope(
            id: id,
            type: M.messageType,
            source: "/t",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(command)
        ).signed(by: credential, for: "lifecycle")
        return try store.writer.write { db in
            let sender = try handler.authenticate(command, envelope: envelope, now: now, db: db)
            return try handler.handle(command, from: sender, envelope: envelope, context: .live(commandID: id, now: now), db: db)
        }
    }

    func bootstrap() throws -> (organization: String, credential: Credential) {
        let outcome = try run(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), as: TestKeys.operatorCredential)
        let credential = Credential.apiKey(clientID: ClientID(rawValue: outcome.created["client_id"]!), secret: outcome.secrets!["client_secret"]!)
        return (outcome.created["organization_id"]!, credential)
    }

    @Test func provisioningStoryPersistsState() throws {
        let (organization, credential) = try bootstrap()
        _ = try run(
            SetOrganizationFeatures(organizationID: OrganizationID(rawValue: organization), features: ["workspace_creation": true]),
            as: TestKeys.operatorCredential
        )
        let created = try run(CreateWorkspace(name: "Staging"), as: credential)
        let workspaceID = created.created["workspace_id"]!
        try store.writer.read { db in
            #expect(try WorkspaceRecord.fetchCount(db) == 2)
            let member = try #require(
                try MemberRecord.fetchOne(db, key: ["workspace_id": workspaceID, "user_id": (try String.fetchOne(db, sql: "SELECT id FROM user"))!])
            )
            #expect(member.role == .owner)
            let key = try #require(try APIKeyRecord.fetchOne(db, key: created.created["client_id"]!))
            #expect(
                TestKeys.areSigningKeys(
                    try SealedSigningKeys(json: key.signingKeys).decoded(),
                    of: created.secrets!["client_secret"]!,
                    clientID: key.clientID
                )
            )
            // No column anywhere holds a secret in clear.
            let dump = try String.fetchAll(db, sql: "SELECT signing_keys || scopes FROM api_key").joined()
            #expect(!dump.contains(created.secrets!["client_secret"]!))
        }
        // The new key works in its own workspace and is Owner there.
        let newKey = Credential.apiKey(clientID: ClientID(rawValue: created.created["client_id"]!), secret: created.secrets!["client_secret"]!)
        #expect(try run(CreateWorkspace(), as: newKey).created["workspace_id"] != nil)
    }

    @Test(arguments: [
        nil as Credential?,
        .operator(name: TestKeys.operatorName, secret: "wrong"),
        .operator(name: "nobody", secret: "x"),
        .apiKey(clientID: ClientID(rawValue: "key_nope"), secret: "x"),
    ])
    func badCredentialsAreUnauthenticated(credential: Credential?) throws {
        _ = try bootstrap()
        #expect { try run(CreateWorkspace(), as: credential) } throws: { ($0 as! Rejection).code == .unauthenticated }
    }

    @Test func wrongSecretForARealClientIDIsUnauthenticatedWithTheSameMessage() throws {
        let (_, credential) = try bootstrap()
        guard case .apiKey(let clientID, _) = credential else {
            Issue.record()
            return
        }
        #expect(throws: Authenticator.refusal) {
            try run(CreateWorkspace(), as: .apiKey(clientID: clientID, secret: "guess"))
        }
    }

    @Test func revokedAndExpiredKeysAreRefused() throws {
        let (_, credential) = try bootstrap()
        guard case .apiKey(let clientID, _) = credential else {
            Issue.record()
            return
        }
        try store.writer.write { db in
            try db.execute(sql: "UPDATE api_key SET expires_at = ? WHERE client_id = ?", arguments: [now, clientID.rawValue])
        }
        #expect(throws: Authenticator.refusal) { try run(CreateWorkspace(), as: credential) }
        try store.writer.write { db in
            try db.execute(sql: "UPDATE api_key SET expires_at = NULL, revoked_at = ? WHERE client_id = ?", arguments: [now, clientID.rawValue])
        }
        #expect(throws: Authenticator.refusal) { try run(CreateWorkspace(), as: credential) }
    }

    @Test func issuedKeyWorksUntilRevokedAndOtherWorkspacesCannotSeeIt() throws {
        let (_, credential) = try bootstrap()
        let issued = try run(IssueAPIKey(scopes: [.workspaceRead]), as: credential)
        let narrow = Credential.apiKey(clientID: ClientID(rawValue: issued.created["client_id"]!), secret: issued.secrets!["client_secret"]!)
        // The narrow key authenticates but lacks the scope to create workspaces.
        #expect { try run(CreateWorkspace(), as: narrow) } throws: { ($0 as! Rejection).code == .forbidden }
        _ = try run(RevokeAPIKey(clientID: ClientID(rawValue: issued.created["client_id"]!)), as: credential)
        #expect(throws: Authenticator.refusal) { try run(IssueAPIKey(), as: narrow) }
        // Another organization's owner gets not_found for this key, not a hint that it exists.
        let other = try run(CreateOrganization(name: "Other", ownerEmail: "o@other.example"), as: TestKeys.operatorCredential)
        let outsider = Credential.apiKey(clientID: ClientID(rawValue: other.created["client_id"]!), secret: other.secrets!["client_secret"]!)
        #expect { try run(RevokeAPIKey(clientID: ClientID(rawValue: issued.created["client_id"]!)), as: outsider) } throws: {
            ($0 as! Rejection).code == .notFound
        }
    }

    /// Accepts what an invitation's email makes possible: the token Notifications writes into it,
    /// made from the invitation key and the nonce of the `InvitationSent` event, sealed to
    /// Lifecycle's secrets key for the command's id as a client seals it.
    func accept(_ invitation: CommandOutcome, index: Int = 0) throws -> CommandOutcome {
        let sent = try #require(invitation.events(of: InvitationSent.self).dropFirst(index).first)
        let token = testInvitationKey.token(invitationID: sent.invitationID.rawValue, nonce: try #require(sent.tokenNonce))
        let id = UUID().uuidString
        return try run(AcceptInvitation(invitationID: sent.invitationID, sealedToken: try sealedToken(token, commandID: id)), as: nil, id: id)
    }

    /// Registers `runner` with `token`, sealed as a client seals it.
    func register(_ runner: RunnerID, token: String) throws -> CommandOutcome {
        let id = UUID().uuidString
        return try run(RegisterStepRunner(runnerID: runner, sealedToken: try sealedToken(token, commandID: id)), as: nil, id: id)
    }

    @Test func invitationStoryThroughTheHandler() throws {
        let (_, ownerKey) = try bootstrap()
        let first = try run(InviteUser(email: "dev@acme.example", role: .operator), as: ownerKey)
        let second = try run(InviteUser(email: "DEV@acme.example", role: .admin), as: ownerKey)
        // The first token no longer works: re-inviting replaced it.
        #expect { try accept(first) } throws: { ($0 as! Rejection).code == .notPending }
        let accepted = try accept(second)
        // It works once.
        #expect { try accept(second) } throws: { ($0 as! Rejection).code == .notPending }
        let devKey = Credential.apiKey(clientID: ClientID(rawValue: accepted.created["client_id"]!), secret: accepted.secrets!["client_secret"]!)
        let devID = UserID(rawValue: accepted.created["user_id"]!)
        // The new admin can invite, but not as Owner.
        #expect(try run(InviteUser(email: "v@acme.example", role: .viewer), as: devKey).created["invitation_id"] != nil)
        #expect { try run(InviteUser(email: "o@acme.example", role: .owner), as: devKey) } throws: { ($0 as! Rejection).code == .forbidden }
        // The only Owner cannot be demoted; once another Owner exists they can.
        let ownerID = try store.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM user WHERE email = 'ops@acme.example'")! }
        #expect { try run(ChangeMemberRole(userID: UserID(rawValue: ownerID), role: .admin), as: ownerKey) } throws: {
            ($0 as! Rejection).code == .lastOwner
        }
        _ = try run(ChangeMemberRole(userID: devID, role: .owner), as: ownerKey)
        _ = try run(ChangeMemberRole(userID: UserID(rawValue: ownerID), role: .admin), as: devKey)
        // Removing the former owner revokes their key at once.
        _ = try run(RemoveMember(userID: UserID(rawValue: ownerID)), as: devKey)
        #expect { try run(IssueAPIKey(), as: ownerKey) } throws: { ($0 as! Rejection).message.contains("revoked") }
        let members = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM member")! }
        #expect(members == 1)
    }

    /// A user belongs to one organization. The same address in another organization is another
    /// user, so no invitation (nor a new organization) can hand a key carrying the user id of
    /// someone in another organization; within the organization, one person stays one user.
    @Test func acceptingAttachesOnlyToAUserOfTheSameOrganization() throws {
        let (organization, opsKey) = try bootstrap()
        let opsUser = try store.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM user WHERE email = 'ops@acme.example'")! }
        let asOperator = TestKeys.operatorCredential
        let other = try run(CreateOrganization(name: "Other", ownerEmail: "OPS@acme.example"), as: asOperator)
        #expect(other.created["user_id"] != opsUser, "a new organization's owner is a new user")
        let bob = try run(CreateOrganization(name: "Bob's", ownerEmail: "bob@acme.example"), as: asOperator)

        // Acme invites bob@, who owns a workspace of another organization: accepting makes a user of Acme.
        let joined = try accept(try run(InviteUser(email: "Bob@acme.example", role: .owner), as: opsKey))
        let bobInAcme = try #require(joined.created["user_id"])
        #expect(bobInAcme != bob.created["user_id"])
        // Invited to a second workspace of Acme, the same person is the same user.
        _ = try run(
            SetOrganizationFeatures(organizationID: OrganizationID(rawValue: organization), features: ["workspace_creation": true]),
            as: asOperator
        )
        let staging = try run(CreateWorkspace(name: "Staging"), as: opsKey)
        let stagingKey = Credential.apiKey(clientID: ClientID(rawValue: staging.created["client_id"]!), secret: staging.secrets!["client_secret"]!)
        let again = try accept(try run(InviteUser(email: "bob@acme.example", role: .viewer), as: stagingKey))
        #expect(again.created["user_id"] == bobInAcme)
        let users = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT organization_id, COUNT(*) AS n FROM user WHERE email = 'bob@acme.example' GROUP BY organization_id")
        }
        #expect(users.count == 2 && users.allSatisfy { $0["n"] == 1 }, "one user per organization")
    }

    @Test func bulkInviteThroughTheHandlerRecordsEachAcceptedItem() throws {
        let (_, ownerKey) = try bootstrap()
        let outcome = try run(
            BulkInviteUsers(invitations: [.init(email: "a@acme.example", role: .viewer), .init(email: "ops@acme.example", role: .viewer)]),
            as: ownerKey
        )
        #expect(outcome.items?.map(\.status) == [.accepted, .rejected])
        #expect(outcome.items?[1].error?.code == .alreadyMember)
        let pending = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT email FROM invitation WHERE status = 'pending'") }
        #expect(pending == ["a@acme.example"])
    }

    @Test func ssoStoryThroughTheHandler() throws {
        let (organization, ownerKey) = try bootstrap()
        _ = try run(
            SetOrganizationFeatures(organizationID: OrganizationID(rawValue: organization), features: ["workspace_creation": true]),
            as: TestKeys.operatorCredential
        )
        _ = try run(ConfigureSSO(entityID: "urn:idp", ssoURL: "https://idp.example/sso", certificate: idpCertificate), as: ownerKey)
        let mapping = try run(CreateClaimMapping(claim: "groups", value: "admins", role: .admin), as: ownerKey)
        _ = try run(CreateClaimMapping(claim: "groups", value: "viewers", role: .viewer), as: ownerKey)
        _ = try run(DeleteClaimMapping(mappingID: ClaimMappingID(rawValue: mapping.created["mapping_id"]!)), as: ownerKey)
        let copy = try run(CreateWorkspace(name: "Copied", copySSOConfig: true), as: ownerKey)
        let copied = copy.created["workspace_id"]!
        let (fingerprint, values) = try store.writer.read { db in
            (
                try String.fetchOne(db, sql: "SELECT certificate_sha256 FROM sso_config WHERE workspace_id = ?", arguments: [copied]),
                try String.fetchAll(db, sql: "SELECT value FROM claim_mapping WHERE workspace_id = ?", arguments: [copied])
            )
        }
        #expect(fingerprint == idpCertificateSHA256)
        #expect(values == ["viewers"])
        // A third workspace, created without copying, copies the settings afterwards from one its owner owns.
        let plain = try run(CreateWorkspace(name: "Plain"), as: ownerKey)
        let plainKey = Credential.apiKey(clientID: ClientID(rawValue: plain.created["client_id"]!), secret: plain.secrets!["client_secret"]!)
        _ = try run(CopySSOConfig(sourceWorkspaceID: WorkspaceID(rawValue: copied)), as: plainKey)
        let entity = try store.writer.read { db in
            try String.fetchOne(db, sql: "SELECT entity_id FROM sso_config WHERE workspace_id = ?", arguments: [plain.created["workspace_id"]!])
        }
        #expect(entity == "urn:idp")
    }

    @Test func runnerRegistersOnceThroughTheHandler() throws {
        let (_, ownerKey) = try bootstrap()
        let created = try run(CreateStepRunner(name: "edge-1", platform: .kubernetes), as: ownerKey)
        let runner = RunnerID(rawValue: created.created["runner_id"]!)
        let token = created.secrets!["registration_token"]!
        #expect { try run(CreateStepRunner(name: "edge-1", platform: .docker), as: ownerKey) } throws: { ($0 as! Rejection).code == .nameTaken }
        _ = try register(runner, token: token)
        #expect { try register(runner, token: token) } throws: { ($0 as! Rejection).code == .notPending }
        _ = try run(DeleteStepRunner(runnerID: runner), as: ownerKey)
        let left = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM step_runner")! }
        #expect(left == 0)
    }

    @Test func integrationSecretsAreSealedAtRestAndRemovedWithTheIntegration() throws {
        let (_, ownerKey) = try bootstrap()
        let created = try run(
            CreateIntegration(
                kind: .secret,
                vendor: "vault",
                name: "DB",
                sealedSecrets: sealedForLifecycle(["password": "hunter2-plaintext"], commandID: "c-create-db")
            ),
            as: ownerKey,
            id: "c-create-db"
        )
        let id = IntegrationID(rawValue: created.created["integration_id"]!)
        let box = try SecretBox(base64Key: testSecretsKey)
        let (value, sealedBlobs) = try store.writer.read { db in
            (
                try SecretStore.value(of: "password", integration: id, box: box, db: db),
                try Data.fetchAll(db, sql: "SELECT sealed FROM integration_secret")
            )
        }
        #expect(value == "hunter2-plaintext")
        #expect(sealedBlobs.count == 1 && !sealedBlobs.contains { String(decoding: $0, as: UTF8.self).contains("hunter2") })
        _ = try run(
            UpdateIntegration(integrationID: id, sealedSecrets: sealedForLifecycle(["password": "rotated-value"], commandID: "c-rotate")),
            as: ownerKey,
            id: "c-rotate"
        )
        let rotated = try store.writer.read { db in try SecretStore.value(of: "password", integration: id, box: box, db: db) }
        #expect(rotated == "rotated-value")
        _ = try run(DeleteIntegration(integrationID: id), as: ownerKey)
        let left = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM integration_secret")! }
        #expect(left == 0)
    }

    @Test func secretValuesSealedForAnotherCommandAreRefusedAndNothingIsCreated() throws {
        let (_, ownerKey) = try bootstrap()
        let copied = CreateIntegration(
            kind: .secret,
            vendor: "vault",
            name: "DB",
            sealedSecrets: try sealedForLifecycle(["password": "p"], commandID: "c-original")
        )
        #expect { try run(copied, as: ownerKey, id: "c-replayed-elsewhere") } throws: {
            ($0 as? Rejection)?.code == .invalidArgument && ($0 as? Rejection)?.field == "sealed_secrets"
        }
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM integration") } == 0)
    }

    /// Sealing is new on every send, so a repeat is told from another command by what it opens to.
    @Test func aRepeatSealedAfreshHasTheFingerprintOfTheFirstAndOtherValuesAnother() throws {
        func fingerprint(_ values: [String: String]) throws -> Data? {
            let command = CreateIntegration(
                kind: .secret,
                vendor: "vault",
                name: "DB",
                sealedSecrets: try sealedForLifecycle(values, commandID: "c-1")
            )
            let envelope = Envelope(
                id: "c-1",
                type: CreateIntegration.messageType,
                source: "/t",
                time: now,
                subject: nil,
                payload: JSONCoding.encode(command)
            )
            return handler.fingerprint(command, envelope: envelope)
        }
        let first = try #require(try fingerprint(["password": "p"]))
        #expect(try fingerprint(["password": "p"]) == first)
        #expect(try fingerprint(["password": "q"]) != first)
        #expect(
            handler.fingerprint(
                DeleteIntegration(integrationID: IntegrationID(rawValue: "int_1")),
                envelope: Envelope(id: "c-1", type: DeleteIntegration.messageType, source: "/t", time: now, subject: nil, payload: Data())
            ) == nil
        )
    }

    @Test func workflowStoryThroughTheHandler() throws {
        let (_, ownerKey) = try bootstrap()
        let imported = try run(ImportWorkflow(name: "Triage", yaml: "name: triage\nsteps: []\n"), as: ownerKey)
        let workflow = WorkflowID(rawValue: imported.created["workflow_id"]!)
        let revised = try run(UpdateWorkflow(workflowID: workflow, yaml: "name: triage\nsteps:\n  - run: notify\n"), as: ownerKey)
        _ = try run(PublishWorkflow(workflowID: workflow), as: ownerKey)
        _ = try run(TagWorkflow(workflowID: workflow, add: ["soc"]), as: ownerKey)
        let started = try run(StartExecution(workflowID: workflow), as: ownerKey)
        let row = try store.writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT current_revision_id, published_revision_id, tags FROM workflow WHERE id = ?",
                arguments: [workflow.rawValue]
            )!
        }
        let current: String = row["current_revision_id"]
        let published: String = row["published_revision_id"]
        #expect(current == published && current == revised.created["revision_id"])
        let running = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM execution WHERE status = 'running'") }
        #expect(running == [started.created["execution_id"]!])
        _ = try run(FinishExecution(executionID: ExecutionID(rawValue: started.created["execution_id"]!), outcome: .succeeded), as: ownerKey)
        #expect { try run(ImportWorkflow(name: "triage", yaml: "a: b"), as: ownerKey) } throws: { ($0 as! Rejection).code == .nameTaken }
    }

    @Test func inactiveWorkspaceAcceptsNothing() throws {
        let (_, credential) = try bootstrap()
        try store.writer.write { db in try db.execute(sql: "UPDATE workspace SET status = 'inactive'") }
        #expect { try run(CreateWorkspace(), as: credential) } throws: { ($0 as! Rejection).code == .workspaceInactive }
    }

    @Test func operatorCommandsAreRefusedWithoutConfiguredOperators() throws {
        let unconfigured = LifecycleHandler(
            authenticator: Authenticator(keys: TestKeys.serviceKeys(for: "lifecycle"), operators: OperatorKeys()),
            secretBox: try SecretBox(base64Key: testSecretsKey),
            invitationKey: testInvitationKey
        )
        let command = CreateOrganization(name: "Acme", ownerEmail: "a@b.co")
        let envelope = Envelope(
            id: "x",
            type: CreateOrganization.messageType,
            source: "/t",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(command)
        ).signed(by: TestKeys.operatorCredential, for: "lifecycle")
        #expect {
            try store.writer.write { db in try unconfigured.authenticate(command, envelope: envelope, now: now, db: db) }
        } throws: { ($0 as? Rejection) == Authenticator.refusal }
    }
}
