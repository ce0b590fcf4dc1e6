import Foundation
import Kafka
import Logging
import Models
import TestSupport
import Testing

/// The Python examples, run as the README shows them: issue_key.py signs a command the way the docs
/// say, produces it with confluent-kafka, reads its result and opens the sealed secret with pyhpke;
/// the key it got then signs commands of its own, and read_workspace.py reads with it over HTTP.
@Suite("End to end: the Python example", .serialized, .timeLimit(.minutes(3)))
struct PythonExampleTests {
    @Test func pythonSignsACommandAndOpensItsSealedSecret() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, lifecyclePort, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        let commands = try await OneCommandAtATime(bootstrapServers: broker.bootstrapServers, topics: deployment.topics)
        func send(_ record: KafkaRecord) async throws -> CommandResult { try await commands.send(record) }
        let organization = try await send(
            CommandFactory.record(
                CreateOrganization(name: "Python", ownerEmail: "ana@acme.example"),
                topic: deployment.topics.lifecycleCommands,
                key: "python",
                credential: deployment.operatorCredential
            )
        )
        let workspace = try #require(organization.created["workspace_id"])

        let run = try await runToCompletion(
            Repository.python,
            [Repository.root.appendingPathComponent("examples/python/issue_key.py").path, workspace],
            environment: [
                "TENANCY_BOOTSTRAP_SERVERS": broker.bootstrapServers, "TENANCY_TOPIC_PREFIX": deployment.prefix,
                "TENANCY_CLIENT_ID": try #require(organization.created["client_id"]),
                "TENANCY_CLIENT_SECRET": try #require(organization.secrets?["client_secret"]),
            ]
        )
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        let result = try JSONCoding.decode(CommandResult.self, from: Data(run.output.utf8))
        #expect(result.status == .accepted && result.service == "lifecycle")
        let issued = Credential.apiKey(
            clientID: ClientID(rawValue: try #require(result.created["client_id"])),
            secret: try #require(result.secrets?["client_secret"])
        )
        // The key Python got, with only workspace.read, signs commands of its own: it issues a key as narrow.
        let next = try await send(
            CommandFactory.record(IssueAPIKey(), topic: deployment.topics.lifecycleCommands, key: workspace, credential: issued)
        )
        #expect(next.status == .accepted && next.created["client_id"] != nil, "\(next)")

        // And it reads its workspace over HTTP, signed the same way (examples/python/read_workspace.py).
        let read = try await runToCompletion(
            Repository.python,
            [Repository.root.appendingPathComponent("examples/python/read_workspace.py").path, workspace],
            environment: [
                "TENANCY_LIFECYCLE_URL": "http://127.0.0.1:\(lifecyclePort)", "TENANCY_CLIENT_ID": issued.signer.description,
                "TENANCY_CLIENT_SECRET": issued.secret,
            ]
        )
        #expect(read.status == 0 && read.output.contains(workspace) && read.output.contains("ana@acme.example"), "\(read.output)\n\(read.errors)")
        await commands.close()
    }
}
