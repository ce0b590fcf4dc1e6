import Foundation
import Models
import TestSupport
import Testing

/// The CLI takes its endpoints and credential from a config file, and refuses one that exposes a secret.
@Suite("End to end: the CLI's config file", .serialized, .timeLimit(.minutes(5)))
struct CLIConfigTests {
    @Test func settingsAndCredentialFromAFileReadableByItsOwnerOnly() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, port, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        let org = try JSONCoding.decode(
            CommandResult.self,
            from: Data(
                try await deployment.cli(
                    ["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example", "--json"]
                ).output.utf8
            )
        )
        _ = try await deployment.cli([
            "org", "features", try #require(org.created["organization_id"]), "--as-operator", "--enable", "workspace_creation",
        ])

        let file = deployment.directory.appendingPathComponent("config.yaml")
        try """
        bootstrap_servers: \(broker.bootstrapServers)
        topic_prefix: \(deployment.prefix)
        lifecycle_url: http://127.0.0.1:\(port)
        client_id: \(try #require(org.created["client_id"]))
        client_secret: \(try #require(org.secrets?["client_secret"]))
        """.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        // Nothing but the file: no broker, prefix, URL or credential in the environment.
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TENANCY_") }.merging(["TENANCY_CONFIG": file.path]) { $1 }
        func tenancy(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
            try await runToCompletion(
                "/usr/bin/env",
                ["-i"] + environment.map { "\($0.key)=\($0.value)" } + [Deployment.binary("tenancy")] + arguments
            )
        }
        let created = try await tenancy(["workspace", "create", "--name", "Staging"])
        #expect(created.status == 0 && created.output.contains("workspace_id: ws_"), "\(created.errors)")
        let shown = try await tenancy(["workspace", "show", try #require(org.created["workspace_id"])])
        #expect(shown.status == 0 && shown.output.contains("ana@acme.example"), "\(shown.errors)")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let refused = try await tenancy(["workspace", "create"])
        #expect(refused.status != 0 && refused.errors.contains("chmod 600"), "\(refused.errors)")
    }
}
