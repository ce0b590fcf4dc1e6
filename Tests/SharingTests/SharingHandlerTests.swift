import Directory
import Foundation
import GRDB
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Sharing

/// The handler over a real (in-memory) SQLite database: the directory replica built from Lifecycle's
/// events, authentication against it, the share state machine and its history, reactions and expiry.
@Suite("Sharing handler with SQLite")
struct SharingHandlerTests {
    let store: ServiceStore
    let handler = SharingHandler(authenticator: TestKeys.authenticator(for: "sharing"))
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let owner = UserID(rawValue: "usr_owner")
    let destinationOwner = UserID(rawValue: "usr_boss")

    init() throws {
        store = try ServiceStore(path: nil, migrations: SharingMigrations.register)
    }

    /// Applies a Lifecycle event as the pipeline would; returns the reactions.
    @discardableResult
    func lifecycle(_ event: any Message) throws -> [DomainEvent] {
        let envelope = Envelope(
            id: UUID().uuidString,
            type: type(of: event).messageType,
            source: "/tenancy/lifecycle",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(event)
        )
        return try store.writer.write { db in try handler.follow(event, envelope: envelope, context: .live(commandID: envelope.id, now: now), db: db)
        }
    }

    func run<M: Message>(_ command: M, as user: UserID, in workspace: WorkspaceID, at time: Date? = nil) throws -> CommandOutcome {
        let credential = Credential.apiKey(clientID: key(user, workspace), secret: "secret-\(user)-\(workspace)")
        let id = UUID().uuidString
        let envelope = Envelope(
            id: id,
            type: M.messageType,
            source: "/t",
            time: time ?? now,
            subject: nil,
            payload: JSONCoding.encode(command)
        ).signed(by: credential, for: "sharing")
        return try store.writer.write { db in
            let sender = try handler.authenticate(command, envelope: envelope, now: time ?? now, db: db)
            return try handler.handle(command, from: sender, envelope: envelope, context: .live(commandID: id, now: time ?? now), db: db)
        }
    }

    func key(_ user: UserID, _ workspace: WorkspaceID) -> ClientID {
        ClientID(rawValue: "key_\(user.rawValue.dropFirst(4))\(workspace.rawValue.dropFirst(3))")
    }

    func join(_ user: UserID, _ workspace: WorkspaceID, as role: Role) throws {
        try lifecycle(MemberAdded(workspaceID: workspace, userID: user, email: "\(user.rawValue)@acme.example", role: role))
        try lifecycle(
            APIKeyIssued(
                clientID: key(user, workspace),
                workspaceID: workspace,
                userID: user,
                scopes: Array(Scope.all),
                signingKeys: TestKeys.signingKeys(of: "secret-\(user)-\(workspace)", clientID: key(user, workspace)),
                issuerRole: role,
                expiresAt: nil
            )
        )
    }

    /// Acme with sharing on; `owner` owns the source and is Admin in the destination, which `destinationOwner` owns.
    func seed(sharing: Bool = true) throws {
        try lifecycle(OrganizationCreated(organizationID: organization, name: "Acme"))
        try lifecycle(OrganizationFeaturesChanged(organizationID: organization, enabled: sharing ? [.crossWorkspaceSharing] : []))
        for workspace in [source, destination] {
            try lifecycle(WorkspaceCreated(workspaceID: workspace, organizationID: organization, name: workspace.rawValue, createdBy: nil))
        }
        try join(owner, source, as: .owner)
        try join(owner, destination, as: .admin)
        try join(destinationOwner, destination, as: .owner)
        try lifecycle(
            IntegrationCreated(
                integration: IntegrationSnapshot(
                    workspaceID: source,
                    integrationID: integrationID,
                    kind: .step,
                    vendor: "slack",
                    name: "Slack alerts",
                    parameters: [:],
                    secretFields: ["token"],
                    refreshState: nil
                )
            )
        )
    }

    func status(_ share: String) throws -> String? {
        try store.writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM share WHERE id = ?", arguments: [share]) }
    }

    @Test func aManualShareGoesPendingThenAcceptedWithItsHistory() throws {
        try seed()
        let requested = try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source)
        let share = try #require(requested.created["share_id"])
        #expect(try status(share) == "pending")
        // The sharer cannot accept their own request with the source's key; a destination Owner can.
        #expect { try run(AcceptShareRequest(shareID: ShareID(rawValue: share)), as: owner, in: source) } throws: { code($0) == .forbidden }
        #expect { try run(AcceptShareRequest(shareID: ShareID(rawValue: share)), as: owner, in: destination) } throws: { code($0) == .forbidden }
        let accepted = try run(AcceptShareRequest(shareID: ShareID(rawValue: share)), as: destinationOwner, in: destination)
        #expect(try status(share) == "accepted")
        #expect { try run(AcceptShareRequest(shareID: ShareID(rawValue: share)), as: destinationOwner, in: destination) } throws: {
            code($0) == .notPending
        }
        let history = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT status, by FROM share_history WHERE share_id = ? ORDER BY seq", arguments: [share])
        }
        #expect(history.map { $0["status"] as String } == ["pending", "accepted"])
        #expect(history.map { $0["by"] as String } == [owner.rawValue, destinationOwner.rawValue])
        // A second share of the same integration to the same destination is refused; the copy cannot be re-shared.
        #expect { try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source) } throws: {
            code($0) == .alreadyShared
        }
        let copy = IntegrationID(rawValue: try #require(accepted.created["copy_integration_id"]))
        #expect { try run(CreateShareRequest(integrationID: copy, destinationWorkspaceID: source), as: destinationOwner, in: destination) } throws: {
            code($0) == .cannotShareASharedCopy
        }
    }

    @Test func anOwnerOfBothSidesIsAcceptedAtOnceAndCanShareAgainAfterRevoking() throws {
        try seed()
        try lifecycle(MemberRoleChanged(workspaceID: destination, userID: owner, role: .owner, previousRole: .admin, changedBy: destinationOwner))
        let outcome = try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source)
        #expect(outcome.created["status"] == "accepted")
        let revoked = try run(RevokeShare(integrationID: integrationID), as: owner, in: source)
        #expect(revoked.items?.first?.created["status"] == "revoked")
        #expect(try status(outcome.created["share_id"]!) == "revoked")
        #expect(
            try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source).created["status"]
                == "accepted"
        )
    }

    @Test func callersAreCheckedAgainstTheReplica() throws {
        try seed(sharing: false)
        let command = CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination)
        #expect { try run(command, as: owner, in: source) } throws: { code($0) == .featureDisabled }
        try lifecycle(OrganizationFeaturesChanged(organizationID: organization, enabled: [.crossWorkspaceSharing]))
        #expect { try run(command, as: destinationOwner, in: source) } throws: { code($0) == .unauthenticated }
        try lifecycle(MemberRemoved(workspaceID: destination, userID: owner, removedBy: destinationOwner))
        #expect { try run(command, as: owner, in: source) } throws: { code($0) == .notAMember }
        try lifecycle(APIKeyRevoked(clientID: key(owner, source), workspaceID: source, userID: owner, revokedBy: owner))
        #expect { try run(command, as: owner, in: source) } throws: { code($0) == .unauthenticated }
    }

    @Test func deletingTheSourceIntegrationEndsItsShares() throws {
        try seed()
        let share = try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source).created[
            "share_id"
        ]!
        let reactions = try lifecycle(IntegrationDeleted(workspaceID: source, integrationID: integrationID))
        let cancelled = try #require(reactions.first?.message as? ShareCancelled)
        #expect(reactions.count == 1 && cancelled.cause == .sourceIntegrationDeleted && cancelled.share.shareID.rawValue == share)
        #expect(try status(share) == "cancelled")
        #expect { try run(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination), as: owner, in: source) } throws: {
            code($0) == .notFound
        }
    }

    @Test func housekeepingExpiresOverdueRequestsOnce() throws {
        try seed()
        let share = try run(
            CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination, expiresInDays: 1),
            as: owner,
            in: source
        ).created["share_id"]!
        func housekeep(at time: Date) throws -> [DomainEvent] {
            try store.writer.write { db in try handler.housekeep(context: .live(commandID: "tick", now: time), db: db) }
        }
        #expect(try housekeep(at: now.addingTimeInterval(86_399)).isEmpty)
        // Past the expiry a decision is refused even before the sweep has run.
        #expect {
            try run(AcceptShareRequest(shareID: ShareID(rawValue: share)), as: destinationOwner, in: destination, at: now.addingTimeInterval(86_400))
        } throws: { code($0) == .notPending }
        let expired = try housekeep(at: now.addingTimeInterval(86_400))
        #expect(expired.count == 1 && (expired.first?.message as? ShareExpired)?.share.shareID.rawValue == share)
        #expect(try status(share) == "expired")
        #expect(try housekeep(at: now.addingTimeInterval(90_000)).isEmpty)
    }
}
