import Foundation
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Invitation rules")
struct InvitationRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func pending(
        status: InvitationStatus = .pending,
        expiresIn: TimeInterval = 3_600,
        member: Bool = false,
        active: Bool = true,
        token: String = "tok"
    ) -> InvitationRules.InvitationState {
        InvitationRules.InvitationState(
            workspaceID: WorkspaceID(rawValue: "ws_home"),
            email: "dev@acme.example",
            role: .operator,
            status: status,
            expiresAt: now + expiresIn,
            tokenHash: Secret.hash(token),
            workspaceActive: active,
            existingUser: nil,
            isMember: member
        )
    }

    @Test func inviteCreatesAPendingInvitationAndShowsTheInviterNoToken() throws {
        let outcome = try InvitationRules.invite(
            InviteUser(email: " Dev@Acme.Example ", role: .operator),
            by: owner(),
            invitee: .init(),
            cap: .none,
            key: testInvitationKey,
            context: fixedContext(now: now)
        )
        let sent = try #require(outcome.events(of: InvitationSent.self).first)
        #expect(sent.email == "dev@acme.example" && sent.role == .operator && sent.invitedBy == UserID(rawValue: "usr_owner"))
        #expect(sent.expiresAt == now + 7 * 86_400, "default expiry is 7 days")
        #expect(outcome.created == ["invitation_id": sent.invitationID.rawValue])
        #expect(outcome.secrets == nil, "the token goes by email to the invited address only, never to the inviter")
    }

    /// The token is made from the invitation key, the invitation id and a random nonce that the
    /// event carries: Notifications, holding the key, makes the same token for the email; the event
    /// alone (id, nonce, hash) gives it to no one else.
    @Test func theTokenIsMadeFromTheInvitationKeyAndTheEventsNonce() throws {
        let outcome = try InvitationRules.invite(
            InviteUser(email: "dev@acme.example", role: .operator),
            by: owner(),
            invitee: .init(),
            cap: .none,
            key: testInvitationKey,
            context: fixedContext(now: now)
        )
        let sent = try #require(outcome.events(of: InvitationSent.self).first)
        let nonce = try #require(sent.tokenNonce)
        let token = testInvitationKey.token(invitationID: sent.invitationID.rawValue, nonce: nonce)
        #expect(sent.tokenHash == Secret.hash(token))
        let otherKey = try InvitationTokenKey(base64: Data(repeating: 8, count: 32).base64EncodedString())
        #expect(otherKey.token(invitationID: sent.invitationID.rawValue, nonce: nonce) != token, "another key makes another token")
        #expect(testInvitationKey.token(invitationID: sent.invitationID.rawValue, nonce: nonce + "x") != token)
        let event = String(decoding: JSONCoding.encode(sent), as: UTF8.self)
        #expect(!event.contains(token) && event.contains(nonce))
    }

    @Test func reinvitingReplacesThePendingInvitation() throws {
        let previous = InvitationID(rawValue: "inv_old")
        let outcome = try InvitationRules.invite(
            InviteUser(email: "dev@acme.example", role: .viewer, expiresInDays: 2),
            by: owner(),
            invitee: .init(pendingInvitation: previous),
            cap: .none,
            key: testInvitationKey,
            context: fixedContext(now: now)
        )
        #expect(
            outcome.events(of: InvitationRevoked.self) == [
                InvitationRevoked(
                    invitationID: previous,
                    workspaceID: WorkspaceID(rawValue: "ws_home"),
                    reason: .replaced,
                    revokedBy: UserID(rawValue: "usr_owner")
                )
            ]
        )
        #expect(outcome.events(of: InvitationSent.self).first?.expiresAt == now + 2 * 86_400)
    }

    @Test func inviteRulesRejectEachBadCase() {
        let context = fixedContext(now: now)
        #expect {
            try InvitationRules.invite(
                InviteUser(email: "x@y.example", role: .owner),
                by: owner(role: .admin),
                invitee: .init(),
                cap: .none,
                key: testInvitationKey,
                context: context
            )
        } throws: { ($0 as! Rejection).code == .forbidden && ($0 as! Rejection).field == "role" }
        #expect {
            try InvitationRules.invite(
                InviteUser(email: "x@y.example", role: .viewer),
                by: owner(role: .operator),
                invitee: .init(),
                cap: .none,
                key: testInvitationKey,
                context: context
            )
        } throws: { ($0 as! Rejection).code == .forbidden }
        #expect {
            try InvitationRules.invite(
                InviteUser(email: "nope", role: .viewer),
                by: owner(),
                invitee: .init(),
                cap: .none,
                key: testInvitationKey,
                context: context
            )
        } throws: {
            ($0 as! Rejection).field == "email"
        }
        #expect {
            try InvitationRules.invite(
                InviteUser(email: "x@y.example", role: .viewer, expiresInDays: 31),
                by: owner(),
                invitee: .init(),
                cap: .none,
                key: testInvitationKey,
                context: context
            )
        } throws: { ($0 as! Rejection).field == "expires_in_days" }
        #expect {
            try InvitationRules.invite(
                InviteUser(email: "x@y.example", role: .viewer),
                by: owner(),
                invitee: .init(isMember: true),
                cap: .none,
                key: testInvitationKey,
                context: context
            )
        } throws: { ($0 as! Rejection).code == .alreadyMember }
    }

    @Test func bulkInviteDecidesEachItem() throws {
        let command = BulkInviteUsers(invitations: [
            .init(email: "a@acme.example", role: .viewer), .init(email: "bad", role: .viewer),
            .init(email: "A@acme.example", role: .admin), .init(email: "m@acme.example", role: .viewer),
            .init(email: "c@acme.example", role: .operator),
        ])
        let outcome = try InvitationRules.bulkInvite(
            command,
            by: owner(),
            invitees: ["m@acme.example": .init(isMember: true)],
            cap: .none,
            key: testInvitationKey,
            context: fixedContext(now: now)
        )
        let items = try #require(outcome.items)
        #expect(items.map(\.status) == [.accepted, .rejected, .rejected, .rejected, .accepted])
        #expect(items[1].error?.field == "invitations.1.email")
        #expect(items[2].error?.message.contains("more than once") == true)
        #expect(items[3].error?.code == .alreadyMember)
        #expect(outcome.events(of: InvitationSent.self).map(\.email) == ["a@acme.example", "c@acme.example"])
        #expect(outcome.secrets == nil, "no token in the result: each goes by email")
        #expect(items[0].created.keys.sorted() == ["invitation_id"] && items[4].created.keys.sorted() == ["invitation_id"])
        #expect(Set(outcome.events(of: InvitationSent.self).map(\.invitationID)).count == 2, "each item has its own id")
    }

    @Test func bulkNeedsOneToAHundredItems() {
        #expect {
            try InvitationRules.bulkInvite(
                BulkInviteUsers(invitations: []),
                by: owner(),
                invitees: [:],
                cap: .none,
                key: testInvitationKey,
                context: fixedContext(now: now)
            )
        } throws: { ($0 as! Rejection).field == "invitations" }
        let many = BulkInviteUsers(invitations: (0...100).map { .init(email: "u\($0)@acme.example", role: .viewer) })
        #expect {
            try InvitationRules.bulkInvite(many, by: owner(), invitees: [:], cap: .none, key: testInvitationKey, context: fixedContext(now: now))
        } throws: {
            ($0 as! Rejection).field == "invitations"
        }
    }

    @Test func acceptingMakesAMemberWithAFirstKey() throws {
        let command = AcceptInvitation(invitationID: InvitationID(rawValue: "inv_1"), sealedToken: unopenedToken)
        let outcome = try InvitationRules.accept(command, token: "tok", invitation: pending(), context: fixedContext(now: now))
        let member = try #require(outcome.events(of: MemberAdded.self).first)
        #expect(member.role == .operator && member.email == "dev@acme.example")
        #expect(outcome.events(of: InvitationAccepted.self).first?.userID == member.userID)
        let key = try #require(outcome.events(of: APIKeyIssued.self).first)
        #expect(Set(key.scopes) == Role.operator.scopes && key.userID == member.userID)
        #expect(outcome.created["user_id"] == member.userID.rawValue && outcome.secrets?["client_secret"] != nil)
    }

    @Test func theAcceptedKeyLivesTheOrganizationsMaximumKeyLifetime() throws {
        let command = AcceptInvitation(invitationID: InvitationID(rawValue: "inv_1"), sealedToken: unopenedToken)
        var invitation = pending()
        invitation.maxKeyLifetimeDays = 30
        let outcome = try InvitationRules.accept(command, token: "tok", invitation: invitation, context: fixedContext(now: now))
        let key = try #require(outcome.events(of: APIKeyIssued.self).first)
        #expect(key.expiresAt == now.addingTimeInterval(30 * 86_400))
    }

    @Test func acceptRejectsEachBadCase() {
        let context = fixedContext(now: now)
        let command = AcceptInvitation(invitationID: InvitationID(rawValue: "inv_1"), sealedToken: unopenedToken)
        #expect { try InvitationRules.accept(command, token: "tok", invitation: nil, context: context) } throws: {
            ($0 as! Rejection).code == .notFound
        }
        #expect {
            try InvitationRules.accept(command, token: "guess", invitation: pending(), context: context)
        } throws: { ($0 as! Rejection).code == .unauthenticated }
        #expect { try InvitationRules.accept(command, token: "tok", invitation: pending(status: .replaced), context: context) } throws: {
            ($0 as! Rejection).code == .notPending
        }
        #expect { try InvitationRules.accept(command, token: "tok", invitation: pending(expiresIn: 0), context: context) } throws: {
            ($0 as! Rejection).code == .notPending && ($0 as! Rejection).message.contains("expired")
        }
        #expect { try InvitationRules.accept(command, token: "tok", invitation: pending(active: false), context: context) } throws: {
            ($0 as! Rejection).code == .workspaceInactive
        }
        #expect { try InvitationRules.accept(command, token: "tok", invitation: pending(member: true), context: context) } throws: {
            ($0 as! Rejection).code == .alreadyMember
        }
    }

    @Test func revokeOnlyPendingInvitationsOfTheCallersWorkspace() throws {
        let command = RevokeInvitation(invitationID: InvitationID(rawValue: "inv_1"))
        let context = fixedContext(now: now)
        #expect(
            try InvitationRules.revoke(command, by: owner(), invitation: pending(), context: context).events(of: InvitationRevoked.self).first?.reason
                == .revoked
        )
        #expect { try InvitationRules.revoke(command, by: owner(), invitation: pending(status: .accepted), context: context) } throws: {
            ($0 as! Rejection).code == .notPending
        }
        var elsewhere = pending()
        elsewhere.workspaceID = WorkspaceID(rawValue: "ws_other")
        #expect { try InvitationRules.revoke(command, by: owner(), invitation: elsewhere, context: context) } throws: {
            ($0 as! Rejection).code == .notFound
        }
        #expect { try InvitationRules.revoke(command, by: owner(role: .viewer), invitation: pending(), context: context) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
    }
}
