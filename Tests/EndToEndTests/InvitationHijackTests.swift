import Foundation
import Models
import TestSupport
import Testing

/// The invitation hijack of security finding F4, tried against the four services, a broker and a
/// mail catcher: Mallory, Owner of W1, invites Bob, Owner of W2 in the same organization, to get a
/// key carrying his user id and act on W2 in his name. She is shown no token and cannot accept; her
/// own key can neither deactivate W2 nor push a share into it; the token reaches Bob's inbox and
/// nothing else; Bob accepts from his email, once.
@Suite("End to end: invitations cannot hijack a user", .serialized, .timeLimit(.minutes(10)))
struct InvitationHijackTests {
    @Test func theInviterCannotActAsTheInviteeAndTheInviteeAcceptsFromTheEmail() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let mail = try await TestSMTPServer.start()
        defer { mail.stop() }
        let deployment = try Deployment(broker: broker)
        let (stack, processes) = try await NotificationsEndToEndTests.start(deployment, smtpPort: mail.port)
        defer { for process in processes { process.stop(signal: SIGKILL) } }

        // Bob owns W2 (the organization's first workspace) and creates W1 for Mallory, who accepts
        // from her email and then removes Bob: each is the only Owner of their workspace.
        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "bob@acme.example"], as: [:])
        let w2 = try #require(org.created["workspace_id"])
        let bobUser = try #require(org.created["user_id"])
        let bobInW2 = try Stack.key(org)
        _ = try await stack.accepted(
            [
                "org", "features", try #require(org.created["organization_id"]), "--as-operator", "--enable", "workspace_creation",
                "--enable", "cross_workspace_sharing", "--enable", "workspace_deactivation",
            ],
            as: [:]
        )
        let created = try await stack.accepted(["workspace", "create", "--name", "W1"], as: bobInW2)
        let w1 = try #require(created.created["workspace_id"])
        let malloryInvitation = try await stack.accepted(["user", "invite", "mallory@acme.example", "--role", "owner"], as: try Stack.key(created))
        let mallory = try Stack.key(
            try await stack.accepted(
                ["user", "accept", try #require(malloryInvitation.created["invitation_id"])],
                as: try await Mailbox.acceptEnvironment(malloryInvitation, in: mail)
            )
        )
        _ = try await stack.accepted(["user", "remove", bobUser], as: mallory)

        // Mallory invites Bob into W1 as an Owner: the result names the invitation and holds no token.
        let invitation = try await stack.accepted(["user", "invite", "bob@acme.example", "--role", "owner"], as: mallory)
        let invitationID = try #require(invitation.created["invitation_id"])
        #expect(invitation.secrets == nil, "the inviter is shown no token")
        // She accepts with whatever she was given (nothing, so a guess): refused.
        let stolen = invitation.secrets?["invitation_token"] ?? "a-guess-at-the-token"
        let hijack = try await stack.run(["user", "accept", invitationID], as: ["TENANCY_INVITATION_TOKEN": stolen])
        #expect(hijack.result?.error?.code == .unauthenticated, "accepting without the emailed token is refused")
        // Whatever key she holds now is a key of W1 (hers, or Bob's had the hijack worked).
        let held = try hijack.result.map { $0.status == .accepted ? try Stack.key($0) : mallory } ?? mallory

        // It cannot deactivate W2, which Bob owns.
        try await stack.rejected(["workspace", "deactivate", w2], as: held, .forbidden, justIssuedKey: true)
        // Nor push a share into W2 without an Owner of W2 deciding.
        let slack = try #require(
            try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts"], as: held).created[
                "integration_id"
            ]
        )
        let pushed = try await Self.untilKnown(stack) { try await stack.run(["share", "create", slack, "--to", w2], as: held) }
        #expect(pushed.result?.status == .rejected && pushed.result?.created["status"] == nil, "\(pushed.result?.created ?? [:])")
        #expect(pushed.result?.error?.code == .notAMember, "\(pushed.result?.error?.description ?? pushed.errors)")

        // Bob reads his inbox and accepts: he joins W1 as himself (one user in the organization), once.
        let token = try await Mailbox.invitationToken(invitationID, in: mail)
        let joined = try await stack.accepted(["user", "accept", invitationID], as: ["TENANCY_INVITATION_TOKEN": token])
        #expect(joined.created["workspace_id"] == w1 && joined.created["user_id"] == bobUser)
        try await stack.rejected(["user", "accept", invitationID], as: ["TENANCY_INVITATION_TOKEN": token], .notPending)
        // Owner of both workspaces by his own proven identity, Bob's share from W2 into W1 is accepted at once.
        let paging = try #require(
            try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "pagerduty", "--name", "Paging"], as: bobInW2)
                .created["integration_id"]
        )
        let auto = try await Self.untilKnown(stack, retrying: [.notFound, .unauthenticated, .notAMember]) {
            try await stack.run(["share", "create", paging, "--to", w1], as: bobInW2)
        }
        #expect(auto.result?.created["status"] == "accepted", "\(auto.result?.error?.description ?? auto.errors)")

        // The token was in Bob's invitation email and nowhere else: no event, result, notification or
        // dead letter on the broker (the command topics aside, where Bob's own acceptance carried it
        // as its credential), no database or log of the services, no read.
        let carrying = mail.messages().filter { Mailbox.text(of: $0).contains(token) }
        #expect(carrying.map { ReceivedEmail($0).to } == ["bob@acme.example"])
        let topics = deployment.topics
        for topic in [
            topics.lifecycleEvents, topics.sharingEvents, topics.deactivationEvents, topics.notifications, topics.commandResults, topics.deadLetter,
        ] {
            let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topic)
            let records = try await reader.readAll()
            await reader.close()
            let leaked = records.filter { record in
                ([record.value ?? Data()] + record.headers.map(\.value)).contains {
                    String(decoding: $0, as: UTF8.self).contains(token)
                }
            }
            #expect(leaked.isEmpty, "the token is on \(topic)")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: deployment.directory.path) {
            let bytes = try Data(contentsOf: deployment.directory.appendingPathComponent(file))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "the token is in \(file)")
        }
        let listed =
            try await stack.read(["notifications", "list", w1, "--recipient", "bob@acme.example"])["notifications"] as? [[String: Any]] ?? []
        let shown = try await stack.read(["notifications", "show", try #require(listed.first?["notification_id"] as? String)])
        #expect((shown["text"] as? String)?.contains("[token-only-in-the-email-to-the-invitee]") == true)
        #expect(!(shown["text"] as? String ?? "").contains(token) && !(shown["html"] as? String ?? "").contains(token))
    }

    /// Runs a command until the service's replica knows what it names (a refusal changes nothing):
    /// again while it is refused with one of `codes`, for up to 20 seconds.
    static func untilKnown(
        _ stack: Stack,
        retrying codes: Set<ErrorCode> = [.notFound, .unauthenticated],
        _ run: () async throws -> (result: CommandResult?, status: Int32, errors: String)
    ) async throws -> (result: CommandResult?, status: Int32, errors: String) {
        var outcome = try await run()
        let deadline = ContinuousClock.now + .seconds(20)
        while let code = outcome.result?.error?.code, codes.contains(code), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            outcome = try await run()
        }
        return outcome
    }
}
