import Foundation
import Kafka
import Logging
import Messaging
import Models
import TestSupport
import Testing

/// Whoever can write to the event topics cannot speak for a service: a forged `APIKeyIssued`,
/// `MemberAdded`, `DeactivationStarted` and `ShareAccepted`, each with the owner's `ce_source` and
/// no tag or a wrong one, change nothing at any follower (no key, no member, no switched-off
/// workspace, no shared copy); every follower that applies the type dead-letters it as
/// `forged_event`, and the genuine events behind them still flow.
@Suite("End to end: forged events change nothing", .serialized, .timeLimit(.minutes(10)))
struct ForgedEventsEndToEndTests {
    @Test func everyFollowerDeadLettersForgedEventsAndAppliesNone() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let deployment = try Deployment(broker: broker)
        let (stack, processes) = try await NotificationsEndToEndTests.start(deployment, smtpPort: mail.port)
        defer { for process in processes { process.stop(signal: SIGKILL) } }
        let topics = deployment.topics

        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let organization = OrganizationID(rawValue: try #require(org.created["organization_id"]))
        let workspace = WorkspaceID(rawValue: try #require(org.created["workspace_id"]))
        let ana = UserID(rawValue: try #require(org.created["user_id"]))
        let anaKey = try #require(org.created["client_id"])
        // Ana's genuine key reached every follower's directory.
        for service in ["sharing", "deactivation", "notifications"] {
            try await Wait.until("Ana's key at \(service)", timeout: .seconds(60)) {
                (try? await EffectCheck.count(service, "SELECT COUNT(*) FROM directory_api_key WHERE client_id = '\(anaKey)'", deployment)) == 1
            }
        }

        let mallory = UserID(rawValue: "usr_mallory")
        let forgedKey = ClientID(rawValue: "key_forged")
        func record(_ event: some Message, topic: String, source: String) -> KafkaRecord {
            let envelope = Envelope(
                id: "evt_forged_" + UUID().uuidString.lowercased(),
                type: type(of: event).messageType,
                source: source,
                time: Date(),
                subject: workspace.rawValue,
                payload: JSONCoding.encode(event)
            )
            return KafkaRecord(envelope, topic: topic, key: workspace.rawValue)
        }
        // A key whose signing keys are sealed to each service's public key, as anyone can seal them.
        let keyIssued = record(
            APIKeyIssued(
                clientID: forgedKey,
                workspaceID: workspace,
                userID: mallory,
                scopes: [],
                signingKeys: TestKeys.signingKeys(of: "forged-secret", clientID: forgedKey),
                issuerRole: .owner,
                expiresAt: nil
            ),
            topic: topics.lifecycleEvents,
            source: "/tenancy/lifecycle"
        )
        // Tagged, but by a service that does not own the topic.
        let memberAdded = record(
            MemberAdded(workspaceID: workspace, userID: mallory, email: "mallory@evil.example", role: .owner),
            topic: topics.lifecycleEvents,
            source: "/tenancy/lifecycle"
        ).taggedAsEvent(of: "notes")
        // Deactivation's genuine tags, replayed on an event with another id.
        var deactivationStarted = record(
            DeactivationStarted(
                operation: OperationReference(
                    operationID: OperationID(rawValue: "op_forged"),
                    kind: .deactivation,
                    workspaceID: workspace,
                    organizationID: organization
                ),
                requestedBy: ana,
                steps: [.lifecycle, .sharing]
            ),
            topic: topics.deactivationEvents,
            source: "/tenancy/deactivation"
        ).taggedAsEvent(of: "deactivation")
        deactivationStarted.headers = deactivationStarted.headers.map {
            $0.name == Envelope.Header.id ? KafkaHeader(name: $0.name, string: "evt_forged_replayed") : $0
        }
        let shareAccepted = record(
            ShareAccepted(
                share: ShareReference(
                    shareID: ShareID(rawValue: "shr_forged"),
                    organizationID: organization,
                    integrationID: IntegrationID(rawValue: "int_forged"),
                    integrationKind: .step,
                    integrationName: "Evil",
                    sourceWorkspaceID: workspace,
                    destinationWorkspaceID: workspace,
                    requestedBy: ana
                ),
                copyIntegrationID: IntegrationID(rawValue: "int_forged_copy"),
                acceptedBy: ana,
                automatic: true
            ),
            topic: topics.sharingEvents,
            source: "/tenancy/sharing"
        )
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "e2e.forger")
        )
        defer { producer.close() }
        let notificationsBefore = try await EffectCheck.count("notifications", "SELECT COUNT(*) FROM notification", deployment)
        for outcome in await producer.send([keyIssued, memberAdded, deactivationStarted, shareAccepted]) { _ = try outcome.get() }

        // Each follower that applies the type dead-letters it, as forged.
        let expected: [(KafkaRecord, [String])] = [
            (keyIssued, ["sharing", "deactivation", "notifications"]),
            (memberAdded, ["sharing", "deactivation", "notifications"]),
            (deactivationStarted, ["lifecycle", "sharing", "notifications"]),
            (shareAccepted, ["lifecycle", "notifications"]),
        ]
        let wanted = Set(expected.flatMap { record, services in services.map { "\(record.header(Envelope.Header.id) ?? "")@/tenancy/\($0)" } })
        let deadLetters = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topics.deadLetter)
        let read = try await deadLetters.read(timeout: .seconds(90)) { read in
            Set(read.filter { $0.header(DeadLetterHeader.errorCode) == ErrorCode.forgedEvent.rawValue }.map(Self.entry)).isSuperset(of: wanted)
        }
        await deadLetters.close()
        let forged = read.filter { $0.header(DeadLetterHeader.errorCode) == ErrorCode.forgedEvent.rawValue }
        #expect(Set(forged.map(Self.entry)) == wanted, "only the followers that apply each type refuse it")
        #expect(forged.count == wanted.count, "each once")

        // Nothing changed at any follower.
        for service in ["sharing", "deactivation", "notifications"] {
            #expect(try await EffectCheck.count(service, "SELECT COUNT(*) FROM directory_api_key WHERE client_id = '\(forgedKey)'", deployment) == 0)
            #expect(try await EffectCheck.count(service, "SELECT COUNT(*) FROM directory_member WHERE user_id = '\(mallory)'", deployment) == 0)
        }
        for service in ["sharing", "notifications"] {
            #expect(
                try await EffectCheck.values(service, "SELECT status FROM directory_workspace WHERE id = '\(workspace)'", deployment) == ["active"]
            )
        }
        #expect(try await EffectCheck.values("lifecycle", "SELECT status FROM workspace WHERE id = '\(workspace)'", deployment) == ["active"])
        #expect(try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM shared_copy", deployment) == 0)
        #expect(try await EffectCheck.count("notifications", "SELECT COUNT(*) FROM notification", deployment) == notificationsBefore)

        // The genuine events behind them still flow: an invitation after the forgeries reaches its inbox.
        _ = try await stack.accepted(["user", "invite", "bea@acme.example", "--role", "viewer"], as: try Stack.key(org))
        _ = try await NotificationsEndToEndTests.waitForEmails(mail, count: 1) { $0.to.contains("bea@acme.example") }
    }

    /// A dead letter as `<ce_id>@<dlq_service>`.
    static func entry(_ message: KafkaConsumedMessage) -> String {
        "\(message.header(Envelope.Header.id) ?? "")@\(message.header(DeadLetterHeader.service) ?? "")"
    }
}
