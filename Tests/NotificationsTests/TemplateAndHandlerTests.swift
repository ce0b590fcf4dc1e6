import Directory
import Foundation
import GRDB
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Notifications

@Suite("Notification templates, retries and the handler with SQLite")
struct TemplateAndHandlerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func renderer() async throws -> TemplateRenderer {
        try await TemplateRenderer(directory: try #require(TemplateRenderer.bundledDirectory))
    }

    @Test func everyKindRendersReadableTextAndEscapedHTML() async throws {
        let renderer = try await renderer()
        let values = [
            "share_id": "shr_1", "integration_name": "Slack <alerts>", "integration_kind": "step", "integration_id": "int_1",
            "source_workspace": "Source & Co", "source_workspace_id": "ws_source", "destination_workspace": "Dest",
            "destination_workspace_id": "ws_dest",
            "sharer": "sharer@acme.example", "decided_by": "boss@acme.example", "reason": "Not needed", "cause": "it was revoked",
            "removed_by": "x@acme.example",
            "expires_at": "2030-01-01T00:00:00.000Z", "accept_command": "tenancy share accept shr_1", "deny_command": "tenancy share deny shr_1",
            "deactivated_workspace": "Source", "deactivated_workspace_id": "ws_source", "status_before": "accepted",
            "direction": "shared with your workspace",
            "workspace": "Dest", "workspace_id": "ws_dest", "role": "admin", "invitation_id": "inv_1", "invited_by": "boss@acme.example",
            "operation_id": "op_1", "status_command": "tenancy workspace status ws_dest", "requested_by": "boss@acme.example",
        ]
        for kind in NotificationKind.allCases {
            let rendered = try renderer.render(kind, values)
            #expect(!rendered.subject.isEmpty && !rendered.subject.contains("\n"), "\(kind)")
            for body in [rendered.subject, rendered.text, rendered.html] {
                #expect(!body.contains("{{") && !body.contains("}}"), "\(kind): unrendered tag")
            }
            #expect(rendered.html.hasPrefix("<!DOCTYPE html>") && rendered.html.contains("Sent by Tenancy"), "\(kind)")
            #expect(!rendered.html.contains("<alerts>") && !rendered.html.contains("Source & Co"), "\(kind): HTML escapes values")
        }
        let requested = try renderer.render(.shareRequested, values)
        #expect(requested.text.contains("Slack <alerts>") && requested.text.contains("tenancy share accept shr_1"))
        #expect(requested.html.contains("Slack &lt;alerts&gt;"))
        #expect(try renderer.render(.shareDenied, values).text.contains("Their reason: Not needed"))
        var withoutReason = values
        withoutReason["reason"] = nil
        #expect(!(try renderer.render(.shareDenied, withoutReason).text.contains("Their reason")))
    }

    @Test func missingTemplatesAreNamedAtStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "Hi".write(to: directory.appendingPathComponent("share_requested.subject.mustache"), atomically: true, encoding: .utf8)
        await #expect { try await TemplateRenderer(directory: directory.path) } throws: { "\($0)".contains("share_requested.text.mustache") }
    }

    @Test func anInvitationTemplateThatWouldNotShowTheTokenIsRefusedAtStart() async throws {
        let bundled = try #require(TemplateRenderer.bundledDirectory)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(atPath: bundled, toPath: directory.path)
        try "You are invited to {{workspace}}.".write(
            to: directory.appendingPathComponent("invitation_sent.text.mustache"),
            atomically: true,
            encoding: .utf8
        )
        await #expect { try await TemplateRenderer(directory: directory.path) } throws: { "\($0)".contains("invitation_sent.text.mustache") }
    }

    /// The invitation email is stored and published with a placeholder where the token goes; only
    /// the delivery, holding the invitation key, writes the token in.
    @Test func anInvitationEmailIsKeptAndPublishedWithoutItsToken() async throws {
        let store = try ServiceStore(path: nil, migrations: NotificationMigrations.register)
        let handler = NotificationsHandler(renderer: try await renderer(), deliversEmail: false)
        let invitation = InvitationSent(
            invitationID: InvitationID(rawValue: "inv_1"),
            workspaceID: destination,
            email: "new@acme.example",
            role: .operator,
            expiresAt: now.addingTimeInterval(86_400),
            invitedBy: decider,
            tokenHash: "ab",
            tokenNonce: "the-nonce"
        )
        let envelope = Envelope(
            id: "evt-invite",
            type: InvitationSent.messageType,
            source: "/t",
            time: now,
            subject: nil,
            payload: JSONCoding.encode(invitation)
        )
        let published = try await store.writer.write { db in
            try handler.apply(invitation, envelope: envelope, context: .live(commandID: "evt-invite", now: now), db: db)
        }
        let key = try InvitationTokenKey(base64: Data(repeating: 7, count: 32).base64EncodedString())
        let token = key.token(invitationID: "inv_1", nonce: "the-nonce")
        let settled = try #require(published.compactMap { $0.message as? NotificationSettled }.first)
        let row = try #require(try await store.writer.read { db in try NotificationRecord.fetchOne(db) })
        for body in [settled.text, settled.html, row.text, row.html] {
            #expect(body.contains(InvitationTokenSource.placeholder) && !body.contains(token))
        }
        #expect(row.invitationToken == InvitationTokenSource(invitationID: InvitationID(rawValue: "inv_1"), nonce: "the-nonce"))
        let source = try #require(row.invitationToken)
        for body in [row.text, row.html] {
            let sent = source.filling(body, key: key)
            #expect(sent.contains("TENANCY_INVITATION_TOKEN=\(token) tenancy user accept inv_1") && !sent.contains(InvitationTokenSource.placeholder))
        }
    }

    @Test func retriesBackOffExponentiallyWithJitterUpToTheCap() {
        let policy = RetryPolicy(baseDelay: 2, maxDelay: 60, maxAttempts: 5)
        #expect(policy.delay(afterAttempt: 1) { 0.999_999 } > 1.99 && policy.delay(afterAttempt: 1) { 0 } == 1)
        #expect(policy.delay(afterAttempt: 3) { 0 } == 4 && policy.delay(afterAttempt: 3) { 0.5 } == 6)
        #expect(policy.delay(afterAttempt: 20) { 0.999_999 } <= 60)
    }

    @Test func eachEventRecordsOneNotificationPerRecipientAndPublishesWhenThereIsNoSMTP() async throws {
        let store = try ServiceStore(path: nil, migrations: NotificationMigrations.register)
        let handler = NotificationsHandler(renderer: try await renderer(), deliversEmail: false)
        func apply(_ event: any Message, id: String = UUID().uuidString) throws -> [DomainEvent] {
            let envelope = Envelope(
                id: id,
                type: type(of: event).messageType,
                source: "/t",
                time: now,
                subject: nil,
                payload: JSONCoding.encode(event)
            )
            return try store.writer.write { db in try handler.follow(event, envelope: envelope, context: .live(commandID: id, now: now), db: db) }
        }
        _ = try apply(WorkspaceCreated(workspaceID: destination, organizationID: organization, name: "Dest", createdBy: nil))
        _ = try apply(WorkspaceCreated(workspaceID: source, organizationID: organization, name: "Source", createdBy: nil))
        _ = try apply(MemberAdded(workspaceID: destination, userID: decider, email: "boss@acme.example", role: .owner))
        _ = try apply(MemberAdded(workspaceID: destination, userID: UserID(rawValue: "usr_two"), email: "two@acme.example", role: .owner))
        _ = try apply(MemberAdded(workspaceID: destination, userID: UserID(rawValue: "usr_viewer"), email: "viewer@acme.example", role: .viewer))
        _ = try apply(MemberAdded(workspaceID: source, userID: sharer, email: "sharer@acme.example", role: .owner))

        let published = try apply(ShareRequested(share: share, needsApproval: true, expiresAt: now.addingTimeInterval(86_400)), id: "evt-request")
        let settled = published.compactMap { $0.message as? NotificationSettled }
        #expect(settled.map(\.recipient).sorted() == ["boss@acme.example", "two@acme.example"])
        #expect(settled.allSatisfy { $0.delivery == .notSent && $0.causeEventID == "evt-request" && $0.subject.contains("Slack <alerts>") })
        #expect(published.allSatisfy { $0.subject == destination.rawValue })
        let rows = try await store.writer.read { db in try NotificationRecord.fetchAll(db) }
        #expect(rows.count == 2 && Set(rows.map(\.messageID)).count == 2 && rows.allSatisfy { $0.status == .notSent })
    }
}
