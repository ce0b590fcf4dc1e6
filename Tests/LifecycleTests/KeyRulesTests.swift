import Foundation
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("API key rules")
struct KeyRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func issue(_ command: IssueAPIKey, by principal: Principal, maxLifetimeDays: Int = 365, context: DecisionContext) throws -> CommandOutcome {
        try KeyRules.issue(command, by: principal, maxLifetimeDays: maxLifetimeDays, context: context)
    }

    @Test func memberIssuesAKeyWithASubsetOfTheirScopes() throws {
        let outcome = try issue(
            IssueAPIKey(scopes: [.workspaceRead, .workflowsWrite], expiresAt: now + 3_600),
            by: owner(),
            context: fixedContext(now: now)
        )
        let key = try #require(outcome.events(of: APIKeyIssued.self).first)
        #expect(key.scopes == [.workflowsWrite, .workspaceRead].sorted() && key.expiresAt == now + 3_600)
        #expect(key.workspaceID == WorkspaceID(rawValue: "ws_home") && key.userID == UserID(rawValue: "usr_owner"))
        #expect(TestKeys.areSigningKeys(key.signingKeys, of: outcome.secrets!["client_secret"]!, clientID: key.clientID))
        #expect(outcome.created == ["client_id": key.clientID.rawValue])
    }

    @Test func defaultScopesAreAllOfTheCallers() throws {
        let viewer = owner(role: .viewer)
        let outcome = try issue(IssueAPIKey(), by: viewer, context: fixedContext(now: now))
        #expect(outcome.events(of: APIKeyIssued.self).first?.scopes == [.workspaceRead])
        #expect(outcome.events(of: APIKeyIssued.self).first?.issuerRole == .viewer)
    }

    @Test func scopesBeyondTheCallersAreForbidden() {
        #expect {
            try issue(IssueAPIKey(scopes: [.workspaceRead, .organizationsWrite]), by: owner(role: .admin), context: fixedContext(now: now))
        } throws: { ($0 as! Rejection).code == .forbidden && ($0 as! Rejection).message.contains("organizations.write") }
    }

    @Test func badScopesAndExpiryNameTheField() {
        #expect { try issue(IssueAPIKey(scopes: [Scope(rawValue: "root")]), by: owner(), context: fixedContext(now: now)) } throws: {
            ($0 as! Rejection).field == "scopes.0"
        }
        #expect { try issue(IssueAPIKey(scopes: []), by: owner(), context: fixedContext(now: now)) } throws: {
            ($0 as! Rejection).field == "scopes"
        }
        #expect { try issue(IssueAPIKey(expiresAt: now), by: owner(), context: fixedContext(now: now)) } throws: {
            ($0 as! Rejection).field == "expires_at"
        }
        #expect { try issue(IssueAPIKey(), by: .operator(name: "alice"), context: fixedContext(now: now)) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
    }

    @Test func aOneDayKeyCannotMintALongerLivedKey() throws {
        let oneDayKey = owner(keyExpiresAt: now + day)
        #expect { try issue(IssueAPIKey(expiresAt: now + 2 * day), by: oneDayKey, context: fixedContext(now: now)) } throws: {
            let rejection = $0 as! Rejection
            return rejection.code == .forbidden && rejection.field == "expires_at" && rejection.message.contains("outlive")
                && rejection.message.contains(Timestamp.format(now + day))
        }
        // Without an expiry, the new key expires with its issuer; an earlier expiry is kept.
        let unnamed = try issue(IssueAPIKey(), by: oneDayKey, context: fixedContext(now: now))
        #expect(unnamed.events(of: APIKeyIssued.self).first?.expiresAt == now + day)
        let earlier = try issue(IssueAPIKey(expiresAt: now + day / 2), by: oneDayKey, context: fixedContext(now: now))
        #expect(earlier.events(of: APIKeyIssued.self).first?.expiresAt == now + day / 2)
        #expect(try issue(IssueAPIKey(expiresAt: now + day), by: oneDayKey, context: fixedContext(now: now)).events.count == 1)
    }

    @Test func aOneDayKeyCannotMintABroaderKey() throws {
        let narrow = owner(scopes: [.organizationsWrite, .workspaceRead], keyExpiresAt: now + day)
        #expect { try issue(IssueAPIKey(scopes: [.workspaceRead, .usersInvite]), by: narrow, context: fixedContext(now: now)) } throws: {
            let rejection = $0 as! Rejection
            return rejection.code == .forbidden && rejection.field == "scopes" && rejection.message.contains("users.invite")
        }
        // Left out, the scopes are the issuing key's, never its role's.
        let key = try #require(try issue(IssueAPIKey(), by: narrow, context: fixedContext(now: now)).events(of: APIKeyIssued.self).first)
        #expect(key.scopes == [.organizationsWrite, .workspaceRead] && key.issuedBy == ClientID(rawValue: "key_owner"))
    }

    @Test func withoutAnExpiryAKeyLivesTheOrganizationsMaximum() throws {
        func expiry(of principal: Principal, maxLifetimeDays: Int) throws -> Date? {
            try issue(IssueAPIKey(), by: principal, maxLifetimeDays: maxLifetimeDays, context: fixedContext(now: now))
                .events(of: APIKeyIssued.self).first?.expiresAt
        }
        #expect(try expiry(of: owner(), maxLifetimeDays: 30) == now + 30 * day, "a key without an expiry issues keys of the maximum")
        #expect(try expiry(of: owner(keyExpiresAt: now + 400 * day), maxLifetimeDays: 365) == now + 365 * day)
        #expect(try expiry(of: owner(keyExpiresAt: now + 10 * day), maxLifetimeDays: 365) == now + 10 * day)
        #expect { try issue(IssueAPIKey(expiresAt: now + 31 * day), by: owner(), maxLifetimeDays: 30, context: fixedContext(now: now)) } throws: {
            let rejection = $0 as! Rejection
            return rejection.code == .forbidden && rejection.field == "expires_at" && rejection.message.contains("at most 30 days")
        }
    }

    @Test func ownKeyIsRevokedByAnyRole() throws {
        let outcome = try KeyRules.revoke(
            RevokeAPIKey(clientID: ClientID(rawValue: "key_mine")),
            by: owner(role: .viewer),
            key: .init(userID: UserID(rawValue: "usr_owner"), revoked: false)
        )
        #expect(
            outcome.events(of: APIKeyRevoked.self) == [
                APIKeyRevoked(
                    clientID: ClientID(rawValue: "key_mine"),
                    workspaceID: WorkspaceID(rawValue: "ws_home"),
                    userID: UserID(rawValue: "usr_owner"),
                    revokedBy: UserID(rawValue: "usr_owner")
                )
            ]
        )
    }

    @Test func revokingAKeyRevokesTheKeysItIssuedWhereverTheyAre() throws {
        let issued = [
            KeyRules.IssuedKey(
                clientID: ClientID(rawValue: "key_child"),
                workspaceID: WorkspaceID(rawValue: "ws_home"),
                userID: UserID(rawValue: "usr_owner")
            ),
            KeyRules.IssuedKey(
                clientID: ClientID(rawValue: "key_lab"),
                workspaceID: WorkspaceID(rawValue: "ws_lab"),
                userID: UserID(rawValue: "usr_owner")
            ),
        ]
        let outcome = try KeyRules.revoke(
            RevokeAPIKey(clientID: ClientID(rawValue: "key_parent")),
            by: owner(),
            key: .init(userID: UserID(rawValue: "usr_owner"), revoked: false, issued: issued)
        )
        let revoked = outcome.events(of: APIKeyRevoked.self)
        #expect(revoked.map(\.clientID.rawValue) == ["key_parent", "key_child", "key_lab"])
        #expect(revoked.map(\.revokedWith?.rawValue) == [nil, "key_parent", "key_parent"])
        #expect(revoked.allSatisfy { $0.revokedBy == UserID(rawValue: "usr_owner") })
        // Each event is keyed by its key's own workspace, where replicas keep it.
        #expect(outcome.events.map(\.subject) == ["ws_home", "ws_home", "ws_lab"])
    }

    @Test func othersKeysNeedWorkspaceWrite() throws {
        let other = KeyRules.KeyState(userID: UserID(rawValue: "usr_other"), revoked: false)
        #expect { try KeyRules.revoke(RevokeAPIKey(clientID: ClientID(rawValue: "key_x")), by: owner(role: .operator), key: other) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
        #expect(try KeyRules.revoke(RevokeAPIKey(clientID: ClientID(rawValue: "key_x")), by: owner(role: .admin), key: other).events.count == 1)
    }

    @Test func unknownOrRevokedKeysAreRejected() {
        #expect { try KeyRules.revoke(RevokeAPIKey(clientID: ClientID(rawValue: "key_x")), by: owner(), key: nil) } throws: {
            ($0 as! Rejection).code == .notFound
        }
        #expect {
            try KeyRules.revoke(
                RevokeAPIKey(clientID: ClientID(rawValue: "key_x")),
                by: owner(),
                key: .init(userID: UserID(rawValue: "usr_owner"), revoked: true)
            )
        } throws: { ($0 as! Rejection).code == .alreadyRevoked }
    }

    @Test func theOperatorIssuesFullOwnerKeysToOwnersOfActiveWorkspacesOnly() throws {
        let command = IssueOwnerKey(workspaceID: WorkspaceID(rawValue: "ws_back"), userID: UserID(rawValue: "usr_ana"))
        let outcome = try KeyRules.issueOwnerKey(
            command,
            by: .operator(name: "alice"),
            target: .init(workspaceActive: true, role: .owner),
            context: fixedContext()
        )
        let issued = try #require(outcome.events.first?.message as? APIKeyIssued)
        #expect(
            issued.workspaceID.rawValue == "ws_back" && issued.userID.rawValue == "usr_ana" && Set(issued.scopes) == Scope.all
                && issued.issuerRole == .owner
        )
        // It lives the organization's maximum, and no key issued it.
        #expect(issued.expiresAt == now + 365 * day && issued.issuedBy == nil)
        let brief = try KeyRules.issueOwnerKey(
            command,
            by: .operator(name: "alice"),
            target: .init(workspaceActive: true, role: .owner, maxKeyLifetimeDays: 7),
            context: fixedContext()
        )
        #expect(brief.events(of: APIKeyIssued.self).first?.expiresAt == now + 7 * day)
        #expect(
            outcome.secrets?["client_secret"] != nil
                && TestKeys.areSigningKeys(issued.signingKeys, of: outcome.secrets!["client_secret"]!, clientID: issued.clientID)
        )
        func rejects(_ expected: ErrorCode, by principal: Principal = .operator(name: "alice"), _ target: KeyRules.OwnerKeyTarget?) {
            #expect { try KeyRules.issueOwnerKey(command, by: principal, target: target, context: fixedContext()) } throws: {
                ($0 as! Rejection).code == expected
            }
        }
        rejects(.forbidden, by: owner(), .init(workspaceActive: true, role: .owner))
        rejects(.notFound, nil)
        rejects(.workspaceInactive, .init(workspaceActive: false, role: .owner))
        rejects(.failedPrecondition, .init(workspaceActive: true, role: .admin))
        rejects(.failedPrecondition, .init(workspaceActive: true, role: nil))
    }
}
