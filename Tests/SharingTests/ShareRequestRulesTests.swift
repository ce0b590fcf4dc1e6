import Directory
import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Sharing

@Suite("Share request rules")
struct ShareRequestRulesTests {
    let command = CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination)

    func create(
        _ command: CreateShareRequest? = nil,
        by principal: Principal = member(),
        source: ShareSource = sharingSource(),
        destination: ShareDestination = sharingDestination()
    ) throws -> CommandOutcome {
        try ShareRequestRules.create(command ?? self.command, by: principal, source: source, destination: destination, context: fixedContext())
    }

    @Test func aSharerWhoIsNotOwnerOfTheDestinationWaitsForItsOwners() throws {
        let outcome = try create()
        let requested = try #require(outcome.events(of: ShareRequested.self).first)
        #expect(outcome.events.count == 1 && requested.needsApproval)
        #expect(
            requested.share.sourceWorkspaceID == source && requested.share.destinationWorkspaceID == destination
                && requested.share.requestedBy == sharer
        )
        #expect(requested.share.integrationKind == .step && requested.share.integrationName == "Slack alerts")
        #expect(requested.expiresAt == fixedContext().now.addingTimeInterval(7 * 86_400))
        #expect(outcome.created == ["share_id": requested.share.shareID.rawValue, "status": "pending"])
        #expect(outcome.events.allSatisfy { $0.subject == source.rawValue })
    }

    @Test func aSharerWhoOwnsTheDestinationIsAcceptedAtOnce() throws {
        let outcome = try create(
            CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination, expiresInDays: 2),
            destination: sharingDestination(callerRole: .owner)
        )
        let requested = try #require(outcome.events(of: ShareRequested.self).first)
        let accepted = try #require(outcome.events(of: ShareAccepted.self).first)
        #expect(!requested.needsApproval && accepted.automatic && accepted.acceptedBy == sharer && accepted.share == requested.share)
        #expect(outcome.created["status"] == "accepted" && outcome.created["copy_integration_id"] == accepted.copyIntegrationID.rawValue)
        #expect(accepted.copyIntegrationID != integrationID)
    }

    @Test func eachRuleHasItsRejection() {
        func rejects(
            _ expected: ErrorCode,
            field: String? = nil,
            _ attempt: () throws -> CommandOutcome,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(sourceLocation: sourceLocation) { try attempt() } throws: {
                code($0) == expected && (field == nil || ($0 as! Rejection).field == field)
            }
        }
        rejects(.forbidden) { try create(by: .operator(name: "alice")) }
        rejects(.forbidden) { try create(by: member(role: .admin)) }
        rejects(.forbidden) { try create(by: member(scopes: [.workspaceRead, .integrationsWrite])) }
        rejects(.featureDisabled) { try create(source: sharingSource(features: [.workspaceCreation])) }
        rejects(.invalidArgument, field: "expires_in_days") {
            try create(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: destination, expiresInDays: 31))
        }
        rejects(.invalidArgument, field: "integration_id") {
            try create(CreateShareRequest(integrationID: IntegrationID(rawValue: "slack"), destinationWorkspaceID: destination))
        }
        rejects(.cannotShareASharedCopy) { try create(source: sharingSource(integration: nil, isSharedCopy: true)) }
        rejects(.notFound, field: "integration_id") { try create(source: sharingSource(integration: nil)) }
        rejects(.notFound, field: "integration_id") {
            try create(source: sharingSource(integration: IntegrationState(id: integrationID, workspaceID: destination, kind: .step, name: "theirs")))
        }
        rejects(.invalidArgument, field: "destination_workspace_id") {
            try create(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: WorkspaceID(rawValue: "dest")))
        }
        rejects(.invalidArgument, field: "destination_workspace_id") {
            try create(CreateShareRequest(integrationID: integrationID, destinationWorkspaceID: source))
        }
        rejects(.notFound, field: "destination_workspace_id") { try create(destination: ShareDestination()) }
        rejects(.notFound, field: "destination_workspace_id") {
            try create(destination: sharingDestination(organization: OrganizationID(rawValue: "org_other")))
        }
        rejects(.workspaceInactive) { try create(destination: sharingDestination(status: .inactive)) }
        rejects(.notAMember) { try create(destination: sharingDestination(callerRole: nil)) }
        rejects(.alreadyShared) { try create(destination: sharingDestination(openShare: ShareID(rawValue: "shr_1"))) }
    }

    @Test func bulkRequestsDecideEachDestinationOnItsOwn() throws {
        let owned = WorkspaceID(rawValue: "ws_owned")
        let foreign = WorkspaceID(rawValue: "ws_foreign")
        let command = BulkCreateShareRequests(integrationID: integrationID, destinationWorkspaceIDs: [destination, owned, foreign, destination])
        let outcome = try ShareRequestRules.bulkCreate(
            command,
            by: member(),
            source: sharingSource(),
            destinations: [
                destination: sharingDestination(),
                owned: sharingDestination(owned, callerRole: .owner),
                foreign: sharingDestination(foreign, callerRole: nil),
            ],
            context: fixedContext()
        )
        let items = try #require(outcome.items)
        #expect(items.map(\.status) == [.accepted, .accepted, .rejected, .rejected])
        #expect(items[0].created["status"] == "pending" && items[1].created["status"] == "accepted")
        #expect(items[2].error?.code == .notAMember && items[2].error?.field == "destination_workspace_ids.2")
        #expect(items[3].error?.code == .invalidArgument, "the same destination twice")
        #expect(outcome.events(of: ShareRequested.self).count == 2 && outcome.events(of: ShareAccepted.self).count == 1)
        #expect(Set(outcome.events(of: ShareRequested.self).map(\.share.shareID)).count == 2, "each destination gets its own share id")
    }

    @Test func bulkRequestsNeedOneToFiftyDestinations() {
        for ids in [[], Array(repeating: destination, count: 51)] {
            #expect {
                try ShareRequestRules.bulkCreate(
                    BulkCreateShareRequests(integrationID: integrationID, destinationWorkspaceIDs: ids),
                    by: member(),
                    source: sharingSource(),
                    destinations: [:],
                    context: fixedContext()
                )
            } throws: { ($0 as! Rejection).field == "destination_workspace_ids" }
        }
    }
}
