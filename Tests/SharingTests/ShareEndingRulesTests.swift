import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Sharing

@Suite("Share ending rules")
struct ShareEndingRulesTests {
    let other = WorkspaceID(rawValue: "ws_other")

    @Test func revokingWithoutADestinationEndsEveryOpenShareOfTheIntegration() throws {
        let open = [shareState(status: .accepted, id: "shr_a"), shareState(status: .pending, to: other, id: "shr_b")]
        let outcome = try ShareEndingRules.revoke(RevokeShare(integrationID: integrationID), by: member(), openShares: open)
        let revoked = try #require(outcome.events(of: ShareRevoked.self).first)
        let cancelled = try #require(outcome.events(of: ShareCancelled.self).first)
        #expect(
            revoked.share.shareID.rawValue == "shr_a" && revoked.cause == .revokedBySource && revoked.revokedBy == sharer
                && revoked.copyIntegrationID.rawValue == "int_copya"
        )
        #expect(cancelled.share.shareID.rawValue == "shr_b" && cancelled.cause == .revokedBySource)
        #expect(outcome.items?.map { $0.created["status"] } == ["revoked", "cancelled"])
    }

    @Test func revokingOneDestinationLeavesTheOthers() throws {
        let open = [shareState(status: .accepted, id: "shr_a"), shareState(status: .accepted, to: other, id: "shr_b")]
        let outcome = try ShareEndingRules.revoke(
            RevokeShare(integrationID: integrationID, destinationWorkspaceID: other),
            by: member(),
            openShares: open
        )
        #expect(outcome.events(of: ShareRevoked.self).map(\.share.shareID.rawValue) == ["shr_b"])
    }

    @Test func revokeRejections() {
        func rejects(
            _ expected: ErrorCode,
            _ command: RevokeShare = RevokeShare(integrationID: integrationID),
            by principal: Principal = member(),
            open: [ShareState] = [shareState(status: .accepted)],
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(sourceLocation: sourceLocation) { try ShareEndingRules.revoke(command, by: principal, openShares: open) } throws: {
                code($0) == expected
            }
        }
        rejects(.forbidden, by: member(role: .admin))
        rejects(.forbidden, by: member(scopes: [.workspaceRead]))
        rejects(.notFound, open: [])
        rejects(.notFound, RevokeShare(integrationID: integrationID, destinationWorkspaceID: other))
        rejects(.notFound, by: member(destination), open: [shareState(status: .accepted)])
        rejects(.invalidArgument, RevokeShare(integrationID: integrationID, destinationWorkspaceID: WorkspaceID(rawValue: "x")))
    }

    @Test func aDestinationOwnerRemovesTheCopy() throws {
        let share = shareState(status: .accepted)
        let outcome = try ShareEndingRules.remove(
            RemoveSharedIntegration(integrationID: share.copyIntegrationID!),
            by: member(destination),
            share: share
        )
        let removed = try #require(outcome.events(of: ShareRemoved.self).first)
        #expect(removed.removedBy == sharer && removed.copyIntegrationID == share.copyIntegrationID)
        let copy = share.copyIntegrationID!
        #expect { try ShareEndingRules.remove(RemoveSharedIntegration(integrationID: copy), by: member(source), share: share) } throws: {
            code($0) == .notFound
        }
        #expect {
            try ShareEndingRules.remove(RemoveSharedIntegration(integrationID: copy), by: member(destination), share: shareState(status: .revoked))
        } throws: { code($0) == .notFound }
        #expect {
            try ShareEndingRules.remove(RemoveSharedIntegration(integrationID: copy), by: member(destination, role: .operator), share: share)
        } throws: { code($0) == .forbidden }
    }

    @Test func sharesEndWithTheirIntegrationAndLeaveEndedOnesAlone() {
        let shares = [
            shareState(status: .accepted, id: "shr_a"), shareState(status: .pending, id: "shr_b"), shareState(status: .denied, id: "shr_c"),
        ]
        let events = ShareEndingRules.end(shares, by: nil, cause: .sourceIntegrationDeleted)
        #expect(events.count == 2)
        #expect((events[0].message as? ShareRevoked)?.cause == .sourceIntegrationDeleted && (events[0].message as? ShareRevoked)?.revokedBy == nil)
        #expect((events[1].message as? ShareCancelled)?.share.shareID.rawValue == "shr_b")
    }

    @Test func onlyPendingRequestsPastTheirExpiryExpire() {
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        let shares = [
            shareState(expiresAt: now, id: "shr_due"), shareState(expiresAt: now.addingTimeInterval(1), id: "shr_later"),
            shareState(status: .accepted, expiresAt: now.addingTimeInterval(-10), id: "shr_taken"),
        ]
        let expired = ShareEndingRules.expire(shares, now: now).compactMap { $0.message as? ShareExpired }
        #expect(expired.map(\.share.shareID.rawValue) == ["shr_due"])
    }
}
