import Foundation
import Kafka
import Models
import TestSupport

/// The organization the reliability suite loads: one owner (Ana) of `workspaces` workspaces, each
/// with secret integrations, plus a workspace that is deactivated and reactivated during the load.
struct ReliabilityWorld {
    struct Workspace {
        let id: WorkspaceID
        var credential: Credential
        var integrations: [IntegrationID] = []
    }

    var workspaces: [Workspace]
    var doomed: Workspace
    let anaUserID: UserID
    /// Every secret value created, to look for where it must never appear.
    var secrets: Set<String>
    /// A key revoked during setup.
    let revoked: Credential

    static func build(
        client: CommandClient,
        asOperator: Credential,
        workspaces count: Int,
        integrationsPerWorkspace: Int
    ) async throws -> ReliabilityWorld {
        let topic = client.topics.lifecycleCommands
        let org = try await client.run(
            [
                CommandClient.record(
                    CreateOrganization(name: "Reliability", ownerEmail: "ana@acme.example"),
                    topic: topic,
                    key: "reliability",
                    credential: asOperator
                )
            ],
            what: "create the organization"
        )[0]
        let organizationID = OrganizationID(rawValue: org.created["organization_id"] ?? "")
        let ana = try credential(of: org)
        var clientSecrets = Set([try secret(of: org)])
        _ = try await client.run(
            [
                CommandClient.record(
                    SetOrganizationFeatures(
                        organizationID: organizationID,
                        features: Dictionary(uniqueKeysWithValues: Feature.allCases.map { ($0.rawValue, true) })
                    ),
                    topic: topic,
                    key: organizationID.rawValue,
                    credential: asOperator
                )
            ],
            what: "enable the features"
        )

        let created = try await client.run(
            (0...count).map { CommandClient.record(CreateWorkspace(name: "ws-\($0)"), topic: topic, key: organizationID.rawValue, credential: ana) },
            what: "create workspaces"
        )
        var workspaces = try created.map {
            Workspace(id: WorkspaceID(rawValue: $0.created["workspace_id"] ?? ""), credential: try credential(of: $0))
        }
        clientSecrets.formUnion(try created.map(secret(of:)))

        var secrets: Set<String> = []
        let integrations = try (0..<count).flatMap { index in
            try (0..<integrationsPerWorkspace).map { number in
                let value = "vault-secret-\(UUID().uuidString)"
                secrets.insert(value)
                let id = UUID().uuidString.lowercased()
                return CommandClient.record(
                    CreateIntegration(
                        kind: .secret,
                        vendor: "vault",
                        name: "vault-\(number)",
                        sealedSecrets: try Deployment.sealedForLifecycle(["token": value], commandID: id)
                    ),
                    topic: topic,
                    key: workspaces[index].id.rawValue,
                    credential: workspaces[index].credential,
                    id: id
                )
            }
        }
        for (index, result) in try await client.run(integrations, what: "create integrations").enumerated() {
            workspaces[index / integrationsPerWorkspace].integrations.append(IntegrationID(rawValue: result.created["integration_id"] ?? ""))
        }

        let spare = try await client.run(
            [CommandClient.record(IssueAPIKey(), topic: topic, key: workspaces[0].id.rawValue, credential: workspaces[0].credential)],
            what: "issue a key to revoke"
        )[0]
        let revoked = try credential(of: spare)
        clientSecrets.insert(try secret(of: spare))
        guard case .apiKey(let revokedID, _) = revoked else { throw TestSupportError("not an API key") }
        _ = try await client.run(
            [
                CommandClient.record(
                    RevokeAPIKey(clientID: revokedID),
                    topic: topic,
                    key: workspaces[0].id.rawValue,
                    credential: workspaces[0].credential
                )
            ],
            what: "revoke it"
        )

        let doomed = workspaces.removeLast()
        return ReliabilityWorld(
            workspaces: workspaces,
            doomed: doomed,
            anaUserID: UserID(rawValue: org.created["user_id"] ?? ""),
            secrets: secrets.union(clientSecrets).union([asOperator.secret]),
            revoked: revoked
        )
    }

    static func credential(of result: CommandResult) throws -> Credential {
        guard let id = result.created["client_id"] else { throw TestSupportError("no key in the result of \(result.commandType)") }
        return .apiKey(clientID: ClientID(rawValue: id), secret: try secret(of: result))
    }

    static func secret(of result: CommandResult) throws -> String {
        guard let secret = result.secrets?["client_secret"] else { throw TestSupportError("no secret in the result of \(result.commandType)") }
        return secret
    }
}
