import Foundation
import Models

/// What deactivating a workspace would affect: the `--dry-run` of `tenancy workspace deactivate`.
/// Lifecycle and Sharing each compute their part from the queries and rules their saga steps use
/// (`GET /workspaces/:id/deactivation-preview`); this only puts the two together and shows them.
struct DeactivationPlan: Encodable {
    /// One share that would end, seen from the workspace being deactivated.
    struct Share: Encodable {
        var shareID: ShareID
        var status: ShareStatus
        var integrationID: IntegrationID
        var integrationName: String
        /// The workspace on the other side.
        var workspaceID: WorkspaceID

        enum CodingKeys: String, CodingKey {
            case shareID = "share_id"
            case status
            case integrationID = "integration_id"
            case integrationName = "integration_name"
            case workspaceID = "workspace_id"
        }
    }

    var workspaceID: WorkspaceID
    var workspaceStatus: WorkspaceStatus
    var workflowsToDisable: [WorkflowSwitches]
    var executionsToStop: [[String: ExecutionID]]
    var oauthIntegrationsToStop: [[String: IntegrationID]]
    var apiKeysToRevoke: [[String: ClientID]]
    var outgoingSharesToRevoke: [Share]
    var incomingSharesToRevoke: [Share]
    /// Workspaces on the other side of those shares: they lose the copies (outgoing) or stop being
    /// read by the deactivated workspace (incoming).
    var otherWorkspacesAffected: [WorkspaceID]

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workspaceStatus = "workspace_status"
        case workflowsToDisable = "workflows_to_disable"
        case executionsToStop = "executions_to_stop"
        case oauthIntegrationsToStop = "oauth_integrations_to_stop"
        case apiKeysToRevoke = "api_keys_to_revoke"
        case outgoingSharesToRevoke = "outgoing_shares_to_revoke"
        case incomingSharesToRevoke = "incoming_shares_to_revoke"
        case otherWorkspacesAffected = "other_workspaces_affected"
    }

    static func load(_ workspace: String, options: ClientOptions) async throws -> DeactivationPlan {
        let path = "/workspaces/\(workspace)/deactivation-preview"
        let lifecycle = try await preview(LifecycleDeactivationPreview.self, try options.reads(.lifecycle), path)
        let sharing = try await preview(SharingDeactivationPreview.self, try options.reads(.sharing), path)
        let id = lifecycle.workspaceID
        let ending = sharing.sharesToEnd.map { ended in
            let outgoing = ended.share.sourceWorkspaceID == id
            return (
                outgoing,
                Share(
                    shareID: ended.share.shareID,
                    status: ended.statusBefore,
                    integrationID: ended.share.integrationID,
                    integrationName: ended.share.integrationName,
                    workspaceID: outgoing ? ended.share.destinationWorkspaceID : ended.share.sourceWorkspaceID
                )
            )
        }
        return DeactivationPlan(
            workspaceID: id,
            workspaceStatus: lifecycle.workspaceStatus,
            workflowsToDisable: lifecycle.workflowsToDisable,
            executionsToStop: lifecycle.executionsToStop.map { ["execution_id": $0] },
            oauthIntegrationsToStop: lifecycle.integrationsToStop.map { ["integration_id": $0] },
            apiKeysToRevoke: lifecycle.keysToRevoke.map { ["client_id": $0] },
            outgoingSharesToRevoke: ending.filter(\.0).map(\.1),
            incomingSharesToRevoke: ending.filter { !$0.0 }.map(\.1),
            otherWorkspacesAffected: Set(ending.map(\.1.workspaceID)).sorted { $0.rawValue < $1.rawValue }
        )
    }

    func printHuman() {
        print("deactivating \(workspaceID) (now \(workspaceStatus.rawValue)) would:")
        section("disable workflows", workflowsToDisable.map { "\($0.workflowID)  \($0.name)" })
        section("stop running executions", executionsToStop.flatMap(\.values).map(\.rawValue))
        section("stop refreshing OAuth integrations", oauthIntegrationsToStop.flatMap(\.values).map(\.rawValue))
        section("revoke API keys", apiKeysToRevoke.flatMap(\.values).map(\.rawValue))
        section("revoke shares to other workspaces", outgoingSharesToRevoke.map(\.line))
        section("revoke shares from other workspaces", incomingSharesToRevoke.map(\.line))
        print(
            "  other workspaces affected: \(otherWorkspacesAffected.isEmpty ? "none" : otherWorkspacesAffected.map(\.rawValue).joined(separator: ", "))"
        )
        print("nothing was changed (dry run)")
    }

    private func section(_ title: String, _ lines: [String]) {
        print("  \(title): \(lines.count)")
        for line in lines { print("    " + line) }
    }

    private static func preview<View: Decodable>(_ type: View.Type, _ endpoint: ReadEndpoint, _ path: String) async throws -> View {
        let (status, body) = try await ReadClient.get(endpoint, path: path)
        guard status == 200 else {
            throw CLIError("HTTP \(status) from \(endpoint.base)\(path): \(String(decoding: body, as: UTF8.self).prefix(300))")
        }
        return try JSONCoding.decode(type, from: body)
    }
}

extension DeactivationPlan.Share {
    fileprivate var line: String { "\(shareID)  \(status.rawValue)  \(integrationName) (\(integrationID))  \(workspaceID)" }
}
