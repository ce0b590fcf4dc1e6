import Foundation
import Kafka
import Models
import TestSupport
import Testing

/// Compares what was accepted with the services' own state, the event topics and the emails:
/// each accepted command's effect must exist exactly once.
enum EffectCheck {
    /// Returns how many effects exist more often than their commands were accepted.
    static func duplicates(
        accepted: [ReliabilityLoad.Kind: Int],
        world: ReliabilityWorld,
        deployment: Deployment,
        broker: TansuBroker,
        smtp: TestSMTPServer,
        figures: inout ReliabilityFigures
    ) async throws -> Int {
        let shares = accepted[.shareRequest, default: 0]
        let keys = accepted[.apiKey, default: 0]
        let integrations = accepted[.integration, default: 0]
        let deliverable = accepted[.invitation, default: 0]
        let refused = accepted[.refusedInvitation, default: 0]
        var duplicated = 0
        func compare(_ what: String, found: Int, expected: Int) {
            #expect(found == expected, "\(what): \(found), expected \(expected)")
            duplicated += max(0, found - expected)
        }

        // The services' own state.
        compare(
            "shares in Sharing",
            found: try await count("sharing", "SELECT COUNT(*) FROM share WHERE status = 'accepted'", deployment),
            expected: shares
        )
        compare(
            "read-only copies in Lifecycle",
            found: try await count("lifecycle", "SELECT COUNT(*) FROM shared_copy", deployment),
            expected: shares
        )
        compare(
            "load integrations in Lifecycle",
            found: try await count("lifecycle", "SELECT COUNT(*) FROM integration WHERE name LIKE 'load-%'", deployment),
            expected: integrations
        )
        compare(
            "invitations in Lifecycle",
            found: try await count("lifecycle", "SELECT COUNT(*) FROM invitation", deployment),
            expected: deliverable + refused
        )

        // The event topics, by ce_id: each event once, every copy the same bytes.
        let lifecycle = try await events(deployment.topics.lifecycleEvents, broker: broker, figures: &figures)
        let sharing = try await events(deployment.topics.sharingEvents, broker: broker, figures: &figures)
        compare("ShareRequested events", found: sharing[ShareRequested.messageType, default: []].count, expected: shares)
        compare("ShareAccepted events", found: sharing[ShareAccepted.messageType, default: []].count, expected: shares)
        compare("InvitationSent events", found: lifecycle[InvitationSent.messageType, default: []].count, expected: deliverable + refused)
        let loadKeys = lifecycle[APIKeyIssued.messageType, default: []].compactMap { try? JSONCoding.decode(APIKeyIssued.self, from: $0) }.filter {
            $0.scopes == [.workspaceRead]
        }
        compare("APIKeyIssued events of the load", found: loadKeys.count, expected: keys)
        let loadIntegrations = lifecycle[IntegrationCreated.messageType, default: []].compactMap {
            try? JSONCoding.decode(IntegrationCreated.self, from: $0)
        }
        compare(
            "IntegrationCreated events of the load",
            found: loadIntegrations.filter { $0.integration.name.hasPrefix("load-") }.count,
            expected: integrations
        )

        // Emails: one per deliverable invitation; a copy only after a SIGKILL, with the same Message-ID.
        func invitationEmails() -> [ReceivedEmail] { smtp.messages().map(ReceivedEmail.init).filter { $0.to.hasPrefix("person") } }
        try await Wait.until("every invitation emailed", timeout: .seconds(180), every: .milliseconds(500)) {
            Set(invitationEmails().map(\.messageID)).count >= deliverable
        }
        try await Wait.until("every notification settled", timeout: .seconds(180), every: .milliseconds(500)) {
            try await count("notifications", "SELECT COUNT(*) FROM notification WHERE status NOT IN ('sent', 'failed', 'not_sent')", deployment) == 0
        }
        let emails = invitationEmails()
        compare("distinct invitation emails", found: Set(emails.map(\.messageID)).count, expected: deliverable)
        compare(
            "refused invitation emails marked failed",
            found: try await count("notifications", "SELECT COUNT(*) FROM notification WHERE status = 'failed'", deployment),
            expected: refused
        )
        figures.emailCopiesAfterSIGKILL = emails.count - Set(emails.map(\.messageID)).count
        #expect(figures.emailCopiesAfterSIGKILL <= 1, "at most the email in flight at the one SIGKILL of Notifications comes twice")
        return duplicated
    }

    /// The distinct events of a topic by type (one payload per ce_id), checking that copies are identical.
    private static func events(_ topic: String, broker: TansuBroker, figures: inout ReliabilityFigures) async throws -> [MessageType: [Data]] {
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topic)
        let records = try await reader.readAll()
        await reader.close()
        let byID = Dictionary(grouping: records.filter { $0.header(Envelope.Header.id) != nil }) { $0.header(Envelope.Header.id)! }
        for (id, copies) in byID where Set(copies.map(\.value)).count != 1 {
            Issue.record("event \(id) on \(topic) was published with different bytes")
        }
        figures.eventCopiesRepublished += records.count - byID.count
        return Dictionary(grouping: byID.values.map { $0[0] }) { MessageType(rawValue: $0.header(Envelope.Header.type) ?? "") }.mapValues {
            $0.compactMap(\.value)
        }
    }

    static func count(_ service: String, _ sql: String, _ deployment: Deployment) async throws -> Int {
        let rows = try await values(service, sql, deployment)
        guard rows.count == 1, let value = Int(rows[0]) else {
            throw TestSupportError("\(service): \(sql): not one number but \(rows.prefix(3))")
        }
        return value
    }

    /// The rows a query returns, one string per row (the sqlite3 shell's output, read while the service runs).
    static func values(_ service: String, _ sql: String, _ deployment: Deployment) async throws -> [String] {
        let output = try await runToCompletion("/usr/bin/sqlite3", [deployment.database(service), sql])
        guard output.status == 0 else {
            throw TestSupportError("\(service): \(sql): \(output.errors)")
        }
        return output.output.split(separator: "\n").map(String.init)
    }
}
