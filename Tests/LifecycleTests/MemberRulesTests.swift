import Foundation
import Models
import Pipeline
import Testing

@testable import Lifecycle

@Suite("Member rules")
struct MemberRulesTests {
    let target = UserID(rawValue: "usr_target")

    func member(_ role: Role, owners: Int = 2, keys: [String] = []) -> MemberRules.MemberState {
        MemberRules.MemberState(role: role, ownerCount: owners, activeKeys: keys.map(ClientID.init(rawValue:)))
    }

    @Test func ownerChangesARole() throws {
        let outcome = try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .admin), by: owner(), member: member(.viewer))
        #expect(
            outcome.events(of: MemberRoleChanged.self) == [
                MemberRoleChanged(
                    workspaceID: WorkspaceID(rawValue: "ws_home"),
                    userID: target,
                    role: .admin,
                    previousRole: .viewer,
                    changedBy: UserID(rawValue: "usr_owner")
                )
            ]
        )
    }

    @Test func theLastOwnerKeepsTheRole() {
        #expect {
            try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .admin), by: owner(), member: member(.owner, owners: 1))
        } throws: { ($0 as! Rejection).code == .lastOwner }
        #expect { try MemberRules.remove(RemoveMember(userID: target), by: owner(), member: member(.owner, owners: 1)) } throws: {
            ($0 as! Rejection).code == .lastOwner
        }
        #expect {
            try MemberRules.remove(RemoveMember(userID: UserID(rawValue: "usr_owner")), by: owner(), member: member(.owner, owners: 1))
        } throws: { ($0 as! Rejection).code == .lastOwner }
    }

    @Test func nobodyActsAboveTheirOwnRole() {
        #expect {
            try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .owner), by: owner(role: .admin), member: member(.viewer))
        } throws: { ($0 as! Rejection).code == .forbidden && ($0 as! Rejection).field == "role" }
        #expect {
            try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .viewer), by: owner(role: .admin), member: member(.owner))
        } throws: { ($0 as! Rejection).code == .forbidden }
        #expect { try MemberRules.remove(RemoveMember(userID: target), by: owner(role: .admin), member: member(.owner)) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
        #expect {
            try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .viewer), by: owner(role: .operator), member: member(.viewer))
        } throws: { ($0 as! Rejection).code == .forbidden }
    }

    @Test func sameRoleAndUnknownMemberAreRejected() {
        #expect { try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .viewer), by: owner(), member: member(.viewer)) } throws: {
            ($0 as! Rejection).field == "role"
        }
        #expect { try MemberRules.changeRole(ChangeMemberRole(userID: target, role: .viewer), by: owner(), member: nil) } throws: {
            ($0 as! Rejection).code == .notFound
        }
    }

    @Test func removingAMemberRevokesTheirKeys() throws {
        let outcome = try MemberRules.remove(RemoveMember(userID: target), by: owner(), member: member(.operator, keys: ["key_a", "key_b"]))
        #expect(outcome.events(of: MemberRemoved.self).count == 1)
        #expect(outcome.events(of: APIKeyRevoked.self).map(\.clientID.rawValue) == ["key_a", "key_b"])
    }

    @Test func anyoneMayLeave() throws {
        let outcome = try MemberRules.remove(RemoveMember(userID: UserID(rawValue: "usr_owner")), by: owner(role: .viewer), member: member(.viewer))
        #expect(outcome.events(of: MemberRemoved.self).count == 1)
        #expect { try MemberRules.remove(RemoveMember(userID: target), by: owner(role: .viewer), member: member(.viewer)) } throws: {
            ($0 as! Rejection).code == .forbidden
        }
    }
}
