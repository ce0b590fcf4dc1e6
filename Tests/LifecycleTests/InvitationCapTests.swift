import Foundation
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

/// The cap on a workspace's invitation emails: the rule, given what the workspace sent in the last
/// 24 hours, and the store, counting it from the invitation table.
@Suite("Invitation cap")
struct InvitationCapTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func invite(_ email: String = "dev@acme.example", cap: InvitationRules.SendCap) throws(Rejection) -> CommandOutcome {
        try InvitationRules.invite(
            InviteUser(email: email, role: .viewer),
            by: owner(),
            invitee: .init(),
            cap: cap,
            key: testInvitationKey,
            context: fixedContext(now: now)
        )
    }

    func bulk(_ emails: [String], cap: InvitationRules.SendCap) throws(Rejection) -> CommandOutcome {
        try InvitationRules.bulkInvite(
            BulkInviteUsers(invitations: emails.map { .init(email: $0, role: .viewer) }),
            by: owner(),
            invitees: [:],
            cap: cap,
            key: testInvitationKey,
            context: fixedContext(now: now)
        )
    }

    /// The rule's refusal; nil when it decided an outcome.
    func refusal(_ decide: () throws -> CommandOutcome) -> Rejection? {
        do {
            _ = try decide()
            return nil
        } catch {
            return error as? Rejection
        }
    }

    @Test func underTheCapAnInvitationGoesOut() throws {
        let outcome = try invite(cap: .init(perDay: 3, sent: 2, oldestHolding: now - 3_600))
        #expect(outcome.events(of: InvitationSent.self).count == 1)
    }

    /// At the cap: refused `rate_limited` until the oldest send that holds the window full is 24
    /// hours old; with the cap lowered below what was sent, that is a later one.
    @Test func atTheCapAnInvitationIsRefusedUntilASendLeavesTheDay() throws {
        let refused = try #require(refusal { try invite(cap: .init(perDay: 3, sent: 3, oldestHolding: now - 20 * 3_600)) })
        #expect(refused.code == .rateLimited && refused.retryAfterSeconds == 4 * 3_600)
        #expect(refused.message.contains("3 invitations of the last 24 hours"), "\(refused.message)")
        let nearlyFree = try #require(refusal { try invite(cap: .init(perDay: 3, sent: 5, oldestHolding: now - 86_399.2)) })
        #expect(nearlyFree.retryAfterSeconds == 1, "whole seconds, at least one")
    }

    @Test func noCapLetsEveryInvitationOut() throws {
        #expect(try invite(cap: .none).events(of: InvitationSent.self).count == 1)
        #expect(try invite(cap: .init(perDay: 0, sent: 10_000)).events(of: InvitationSent.self).count == 1)
    }

    /// A mistake in the command is reported as such even at the cap: waiting would not fix it.
    @Test func anInvalidInvitationIsRefusedForWhatIsWrongFirst() {
        let full = InvitationRules.SendCap(perDay: 1, sent: 1, oldestHolding: now)
        #expect(refusal { try invite("not-an-address", cap: full) }?.code == .invalidArgument)
        #expect(
            refusal {
                try InvitationRules.invite(
                    InviteUser(email: "m@acme.example", role: .viewer),
                    by: owner(),
                    invitee: .init(isMember: true),
                    cap: full,
                    key: testInvitationKey,
                    context: fixedContext(now: now)
                )
            }?.code == .alreadyMember
        )
    }

    /// The first valid items up to the allowance go out; invalid ones take none of it; the rest
    /// are refused each `rate_limited`, told when the window's oldest send leaves it.
    @Test func aBulkInvitationSendsWhatTheCapAllowsAndRefusesTheRestPerItem() throws {
        let cap = InvitationRules.SendCap(perDay: 10, sent: 8, oldestHolding: now - 23 * 3_600)
        let outcome = try bulk(["a@acme.example", "bad", "b@acme.example", "c@acme.example", "d@acme.example"], cap: cap)
        let items = try #require(outcome.items)
        #expect(items.map(\.status) == [.accepted, .rejected, .accepted, .rejected, .rejected])
        #expect(items[1].error?.code == .invalidArgument)
        for item in items[3...] {
            #expect(item.error?.code == .rateLimited && item.error?.retryAfterSeconds == 3_600)
            #expect(item.error?.field == "invitations.\(item.index).email")
        }
        #expect(outcome.events(of: InvitationSent.self).map(\.email) == ["a@acme.example", "b@acme.example"])
    }

    @Test func aBulkInvitationIntoAnEmptyDayWaitsADayForTheItemsOverTheCap() throws {
        let outcome = try bulk(["a@acme.example", "b@acme.example", "c@acme.example"], cap: .init(perDay: 2))
        let items = try #require(outcome.items)
        #expect(items.map(\.status) == [.accepted, .accepted, .rejected])
        #expect(items[2].error?.retryAfterSeconds == 86_400)
    }

    /// Nothing would go out but for the cap: the whole command is refused, so the same command can
    /// be sent again once the cap allows (the pipeline records no refusal with a retry-after).
    @Test func aBulkInvitationTheCapStopsEntirelyIsRefusedAsAWhole() throws {
        let refused = try #require(
            refusal { try bulk(["a@acme.example", "bad"], cap: .init(perDay: 5, sent: 5, oldestHolding: now - 86_000)) }
        )
        #expect(refused.code == .rateLimited && refused.retryAfterSeconds == 400 && refused.field == nil)
        let invalidOnly = try bulk(["bad"], cap: .init(perDay: 5, sent: 5, oldestHolding: now))
        #expect(invalidOnly.items?.first?.error?.code == .invalidArgument, "nothing was stopped by the cap")
    }

    /// Through the handler and SQLite: every invitation sent counts for 24 hours (one replaced by a
    /// new invitation to the same address too), per workspace; once the oldest is a day old, one more goes.
    @Test func theStoreCountsTheLastDaysInvitationsOfTheWorkspace() throws {
        let store = try ServiceStore(path: nil, migrations: LifecycleMigrations.register)
        let handler = LifecycleHandler(
            authenticator: TestKeys.authenticator(for: "lifecycle"),
            secretBox: try SecretBox(base64Key: testSecretsKey),
            invitationKey: testInvitationKey,
            invitationsPerWorkspacePerDay: 2
        )
        func run<M: Message>(_ command: M, as credential: Credential, after seconds: TimeInterval) throws -> CommandOutcome {
            let time = now + seconds
            let id = UUID().uuidString
            let envelope = Envelope(
                id: id,
                type: M.messageType,
                source: "/t",
                time: time,
                subject: nil,
                payload: JSONCoding.encode(command)
            ).signed(by: credential, for: "lifecycle")
            return try store.writer.write { db in
                let sender = try handler.authenticate(command, envelope: envelope, now: time, db: db)
                return try handler.handle(command, from: sender, envelope: envelope, context: .live(commandID: id, now: time), db: db)
            }
        }
        func ownerKey(of organization: String) throws -> Credential {
            let created = try run(
                CreateOrganization(name: organization, ownerEmail: "ops@\(organization).example"),
                as: TestKeys.operatorCredential,
                after: 0
            )
            return .apiKey(
                clientID: ClientID(rawValue: try #require(created.created["client_id"])),
                secret: try #require(created.secrets?["client_secret"])
            )
        }
        let acme = try ownerKey(of: "acme")
        let globex = try ownerKey(of: "globex")

        _ = try run(InviteUser(email: "a@acme.example", role: .viewer), as: acme, after: 0)
        _ = try run(InviteUser(email: "a@acme.example", role: .admin), as: acme, after: 3_600)
        #expect {
            try run(InviteUser(email: "b@acme.example", role: .viewer), as: acme, after: 7_200)
        } throws: { error in
            let rejection = error as! Rejection
            return rejection.code == .rateLimited && rejection.retryAfterSeconds == 22 * 3_600
        }
        #expect(try run(InviteUser(email: "b@globex.example", role: .viewer), as: globex, after: 7_200).created["invitation_id"] != nil)
        let bulk = try run(
            BulkInviteUsers(invitations: [.init(email: "b@acme.example", role: .viewer), .init(email: "c@acme.example", role: .viewer)]),
            as: acme,
            after: 86_401
        )
        #expect(bulk.items?.map(\.status) == [.accepted, .rejected], "the first invitation left the day; the second is still in it")
        #expect(bulk.items?.last?.error?.retryAfterSeconds == 3_599)
    }
}
