import Foundation
import Hashing
import Kafka
import Logging
import Models
import Pipeline
import Sealing
import TestSupport
import Testing

/// Commands prove possession of a key without carrying it: after a run that issues keys, registers
/// a runner and accepts an invitation, nothing on any topic authenticates anyone, and a recorded command cannot be used again - not under a new
/// id, and not under its own once its time is outside the window.
@Suite("End to end: signed commands", .serialized, .timeLimit(.minutes(5)))
struct SignedCommandsEndToEndTests {
    @Test func recordedCommandsCannotBeReplayedAndNoTopicHoldsACredential() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let window = ["TENANCY_SIGNATURE_WINDOW_SECONDS": "8"]
        let (lifecycle, _, lifecycleOps) = try await deployment.startReady("lifecycle", environment: window)
        defer { lifecycle.stop(signal: SIGKILL) }
        let (sharing, _, _) = try await deployment.startReady("sharing", environment: window)
        defer { sharing.stop(signal: SIGKILL) }
        let commands = try await OneCommandAtATime(bootstrapServers: broker.bootstrapServers, topics: deployment.topics)
        func send(_ record: KafkaRecord) async throws -> CommandResult { try await commands.send(record) }
        let topic = deployment.topics.lifecycleCommands

        let organization = try await send(
            CommandFactory.record(
                CreateOrganization(name: "Signed", ownerEmail: "ana@acme.example"),
                topic: topic,
                key: "signed",
                credential: deployment.operatorCredential
            )
        )
        #expect(organization.status == .accepted, "\(organization)")
        // The operator's command and its events are attributed to the operator by name.
        let events = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.lifecycleEvents)
        let caused = try await events.read(timeout: .seconds(20)) { read in
            read.filter { $0.header(Envelope.Header.correlationID) == organization.commandID }.count >= 4
        }.filter { $0.header(Envelope.Header.correlationID) == organization.commandID }
        #expect(
            caused.allSatisfy { $0.header(Envelope.Header.actor) == "operator:\(TestKeys.operatorName)" },
            "\(caused.map { $0.header(Envelope.Header.actor) })"
        )
        let owner = Credential.apiKey(
            clientID: ClientID(rawValue: try #require(organization.created["client_id"])),
            secret: try #require(organization.secrets?["client_secret"])
        )
        let workspace = try #require(organization.created["workspace_id"])
        let issue = CommandFactory.record(IssueAPIKey(), topic: topic, key: workspace, credential: owner)
        let issued = try await send(issue)
        #expect(issued.status == .accepted && issued.secrets?["client_secret"] != nil)
        let second = Credential.apiKey(
            clientID: ClientID(rawValue: try #require(issued.created["client_id"])),
            secret: try #require(issued.secrets?["client_secret"])
        )
        // Sharing checks the new key against its own copy, with its own signing key.
        let atSharing = try await send(
            CommandFactory.record(
                CreateShareRequest(integrationID: IntegrationID(rawValue: "int_none"), destinationWorkspaceID: WorkspaceID(rawValue: "ws_none")),
                topic: deployment.topics.sharingCommands,
                key: workspace,
                credential: second
            )
        )
        #expect(atSharing.error?.code != .unauthenticated, "\(atSharing)")

        // One-time tokens, spent as commands whose credential they are: a runner's registration token
        // (from its creation's sealed result) and an invitation's (made as Notifications makes it for
        // the email, from the invitation key and the nonce of InvitationSent).
        let runner = try await send(
            CommandFactory.record(CreateStepRunner(name: "edge-1", platform: .docker), topic: topic, key: workspace, credential: owner)
        )
        let runnerToken = try #require(runner.secrets?["registration_token"])
        let registerID = "register-\(UUID().uuidString.prefix(8).lowercased())"
        let registered = try await send(
            CommandFactory.record(
                RegisterStepRunner(
                    runnerID: RunnerID(rawValue: try #require(runner.created["runner_id"])),
                    sealedToken: try Deployment.sealedTokenForLifecycle(runnerToken, commandID: registerID)
                ),
                topic: topic,
                id: registerID,
                key: workspace,
                credential: nil
            )
        )
        #expect(registered.status == .accepted, "\(registered)")
        let invited = try await send(
            CommandFactory.record(InviteUser(email: "bea@acme.example", role: .viewer), topic: topic, key: workspace, credential: owner)
        )
        #expect(invited.status == .accepted, "\(invited)")
        let invitation = try #require(invited.created["invitation_id"])
        let sent = try await events.read(timeout: .seconds(20)) { read in
            read.contains { $0.header(Envelope.Header.type) == InvitationSent.messageType.rawValue }
        }.compactMap { $0.value.flatMap { try? JSONCoding.decode(InvitationSent.self, from: $0) } }.first { $0.invitationID.rawValue == invitation }
        let invitationToken = try InvitationTokenKey(base64: Deployment.invitationKey)
            .token(invitationID: invitation, nonce: try #require(sent?.tokenNonce))
        let acceptID = "accept-\(UUID().uuidString.prefix(8).lowercased())"
        let accepted = try await send(
            CommandFactory.record(
                AcceptInvitation(
                    invitationID: InvitationID(rawValue: invitation),
                    sealedToken: try Deployment.sealedTokenForLifecycle(invitationToken, commandID: acceptID)
                ),
                topic: topic,
                id: acceptID,
                key: invitation,
                credential: nil
            )
        )
        #expect(accepted.status == .accepted, "\(accepted)")
        await events.close()

        // The recorded IssueAPIKey under a new id: the signature covers the id.
        var renamed = issue
        let newID = "replayed-\(UUID().uuidString.prefix(8).lowercased())"
        renamed.headers = renamed.headers.map { $0.name == Envelope.Header.id ? KafkaHeader(name: Envelope.Header.id, string: newID) : $0 }
        let replayed = try await send(renamed)
        #expect(replayed.status == .rejected && replayed.error == Authenticator.refusal && replayed.created.isEmpty)
        // The recorded IssueAPIKey itself, once its time is outside the window: refused, not replayed.
        try await Task.sleep(for: .seconds(9))
        let late = try await send(issue)
        #expect(late.status == .rejected && late.error == Authenticator.refusal && late.secrets == nil, "\(late)")
        #expect(try await EffectCheck.count("lifecycle", "SELECT COUNT(*) FROM api_key", deployment) == 3, "two issued, one accepted")

        // No topic holds a client secret, the operator's secret, a signing key or a service key.
        var credentials: Set<String> = [owner.secret, second.secret, deployment.operatorCredential.secret, runnerToken, invitationToken]
        for service in ServiceKeys.services {
            credentials.insert(TestKeys.privateKey(of: service))
            for secret in [owner.secret, second.secret, deployment.operatorCredential.secret] {
                credentials.insert(RequestSignature.signingKey(secret: secret, service: service).withUnsafeBytes { Base64URL.encode(Data($0)) })
            }
        }
        try await Wait.until("lifecycle is idle", timeout: .seconds(20), every: .milliseconds(200)) { await isIdle(opsPort: lifecycleOps) }
        let topics = deployment.topics
        var tailed = 0
        var keysSeen = false
        for name in topics.all where await commands.producer.topicsExist([name]) {
            let text = try await LeakCheck.text(of: name, broker: broker)
            tailed += text.utf8.count
            keysSeen = keysSeen || (name == topics.lifecycleEvents && text.contains(second.signer.description))
            let leaked = LeakCheck.secrets(credentials, in: Data(text.utf8))
            #expect(leaked.isEmpty, "\(leaked.count) credentials in \(name)")
        }
        #expect(keysSeen, "the topics were read (\(tailed) bytes), the key events among them")
        print("signed commands: \(tailed) bytes of every topic tailed, no credential in them; replays refused")
        #expect(!lifecycle.log.contains(owner.secret) && !sharing.log.contains(second.secret))
        await commands.close()
    }
}
