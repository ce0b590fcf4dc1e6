import Foundation
import Kafka
import Models
import TestSupport

/// One organization whose single owner has `sources` source workspaces, each with integrations,
/// and `destinations` destination workspaces. The owner owns every workspace, so every share
/// between them is accepted at once (auto-accept), as in the benchmark the issue describes.
struct BenchWorld: Sendable {
    struct Workspace: Sendable {
        let id: WorkspaceID
        let credential: Credential
        var integrations: [IntegrationID] = []
    }

    var sources: [Workspace]
    var destinations: [Workspace]

    static func build(
        client: CommandClient,
        asOperator: Credential,
        sources: Int,
        destinations: Int,
        integrationsPerSource: Int
    ) async throws -> BenchWorld {
        let topic = client.topics.lifecycleCommands
        let organization = try await client.run(
            [
                CommandClient.record(
                    CreateOrganization(name: "Bench \(UUID().uuidString.prefix(6))", ownerEmail: "owner@bench.example"),
                    topic: topic,
                    key: "bench",
                    credential: asOperator
                )
            ],
            what: "create the organization"
        )[0]
        let organizationID = OrganizationID(rawValue: organization.created["organization_id"] ?? "")
        let owner = try credential(of: organization)
        _ = try await client.run(
            [
                CommandClient.record(
                    SetOrganizationFeatures(
                        organizationID: organizationID,
                        features: [Feature.workspaceCreation.rawValue: true, Feature.crossWorkspaceSharing.rawValue: true]
                    ),
                    topic: topic,
                    key: organizationID.rawValue,
                    credential: asOperator
                )
            ],
            what: "enable the features"
        )

        let created = try await client.run(
            (0..<(sources + destinations)).map { index in
                CommandClient.record(CreateWorkspace(name: "ws-\(index)"), topic: topic, key: organizationID.rawValue, credential: owner)
            },
            what: "create workspaces"
        )
        var workspaces = try created.map {
            Workspace(id: WorkspaceID(rawValue: $0.created["workspace_id"] ?? ""), credential: try credential(of: $0))
        }

        let integrations = (0..<sources).flatMap { source in
            (0..<integrationsPerSource).map { index in
                CommandClient.record(
                    CreateIntegration(kind: .step, vendor: "slack", name: "alerts-\(index)", parameters: ["channel": "#ops-\(index)"]),
                    topic: topic,
                    key: workspaces[source].id.rawValue,
                    credential: workspaces[source].credential
                )
            }
        }
        let made = try await client.run(integrations, what: "create integrations")
        for (index, result) in made.enumerated() {
            workspaces[index / integrationsPerSource].integrations.append(IntegrationID(rawValue: result.created["integration_id"] ?? ""))
        }
        return BenchWorld(sources: Array(workspaces[..<sources]), destinations: Array(workspaces[sources...]))
    }

    private static func credential(of result: CommandResult) throws -> Credential {
        guard let id = result.created["client_id"], let secret = result.secrets?["client_secret"] else {
            throw TestSupportError("no key in the result of \(result.commandType)")
        }
        return .apiKey(clientID: ClientID(rawValue: id), secret: secret)
    }

    /// Every (source, integration, destination) combination, interleaved across sources so that
    /// consecutive commands spread over workspaces and partitions.
    func sharePairs() -> [(source: Workspace, integration: IntegrationID, destination: WorkspaceID)] {
        var pairs: [(Workspace, IntegrationID, WorkspaceID)] = []
        let perSource = (sources.first?.integrations.count ?? 0) * destinations.count
        for slot in 0..<perSource {
            for source in sources {
                let integration = source.integrations[slot / destinations.count]
                pairs.append((source, integration, destinations[slot % destinations.count].id))
            }
        }
        return pairs
    }
}
