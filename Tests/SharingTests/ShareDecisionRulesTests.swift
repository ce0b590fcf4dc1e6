import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Sharing

@Suite("Share decision rules")
struct ShareDecisionRulesTests {
    let shareID = ShareID(rawValue: "shr_1")
    let destinationOwner = member(destination, user: UserID(rawValue: "usr_boss"))

    @Test func aDestinationOwnerAccepts() throws {
        let outcome = try ShareDecisionRules.accept(
            AcceptShareRequest(shareID: shareID),
            by: destinationOwner,
            share: shareState(),
            context: fixedContext()
        )
        let accepted = try #require(outcome.events(of: ShareAccepted.self).first)
        #expect(!accepted.automatic && accepted.acceptedBy.rawValue == "usr_boss" && accepted.share == shareState().reference)
        #expect(outcome.events.first?.subject == source.rawValue)
        #expect(outcome.created["copy_integration_id"] == accepted.copyIntegrationID.rawValue)
    }

    @Test func aDestinationOwnerDeniesWithAReason() throws {
        let outcome = try ShareDecisionRules.deny(
            DenyShareRequest(shareID: shareID, reason: "  We use PagerDuty.\n "),
            by: destinationOwner,
            share: shareState(),
            context: fixedContext()
        )
        let denied = try #require(outcome.events(of: ShareDenied.self).first)
        #expect(denied.reason == "We use PagerDuty." && denied.deniedBy.rawValue == "usr_boss")
        let silent = try ShareDecisionRules.deny(
            DenyShareRequest(shareID: shareID, reason: "   "),
            by: destinationOwner,
            share: shareState(),
            context: fixedContext()
        )
        #expect(silent.events(of: ShareDenied.self).first?.reason == nil)
    }

    @Test func onlyAPendingRequestOfTheCallersWorkspaceCanBeDecided() {
        let context = fixedContext()
        func rejects(
            _ expected: ErrorCode,
            by principal: Principal? = nil,
            share: ShareState? = shareState(),
            id: ShareID? = nil,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            let command = AcceptShareRequest(shareID: id ?? shareID)
            #expect(sourceLocation: sourceLocation) {
                try ShareDecisionRules.accept(command, by: principal ?? destinationOwner, share: share, context: context)
            } throws: { code($0) == expected }
        }
        rejects(.invalidArgument, id: ShareID(rawValue: "1"))
        rejects(.notFound, share: nil)
        rejects(.notFound, by: member(WorkspaceID(rawValue: "ws_elsewhere")))
        rejects(.forbidden, by: member(source), share: shareState())
        rejects(.forbidden, by: member(destination, role: .admin))
        rejects(.forbidden, by: member(destination, scopes: [.workspaceRead]))
        rejects(.forbidden, by: .operator(name: "alice"))
        for status in ShareStatus.allCases where status != .pending {
            rejects(.notPending, share: shareState(status: status))
        }
        rejects(.notPending, share: shareState(expiresAt: context.now))
    }

    @Test func denialReasonsAreChecked() {
        for reason in [String(repeating: "x", count: 501), "bad\u{7}bell", "fine \u{202E}detaler"] {
            #expect {
                try ShareDecisionRules.deny(
                    DenyShareRequest(shareID: shareID, reason: reason),
                    by: destinationOwner,
                    share: shareState(),
                    context: fixedContext()
                )
            } throws: {
                ($0 as! Rejection).field == "reason"
            }
        }
    }
}
