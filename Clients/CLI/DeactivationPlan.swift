import Foundation
import Models

/// What deactivating a workspace would affect, read from Lifecycle's and Sharing's read sides
/// without changing anything: the `--dry-run` of `tenancy workspace deactivate`.
struct DeactivationPlan: Encodable {
    var workspaceID: String
    var workspaceStatus: String
    var workflowsToDisable: [[String: String]]
    var executionsToStop: [[String: String]]
    var oauthIntegrationsToStop: [[String: String]]
    var apiKeysToRevoke: [[String: String]]
    var outgoingSharesToRevoke: [[String: String]]
    var incomingSharesToRevoke: [[String: String]]
    /// Workspaces on the other side of those shares: they lose the copies (outgoing) or stop being
    /// read by the deactivated workspace (incoming).
    var otherWorkspacesAffected: [String]

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id", workspaceStatus = "workspace_status", workflowsToDisable = "workflows_to_disable"
        case executionsToStop = "executions_to_stop", oauthIntegrationsToStop = "oauth_integrations_to_stop"
        case apiKeysToRevoke = "api_keys_to_revoke", outgoingSharesToRevoke = "outgoing_shares_to_revoke"
        case incomingSharesToRevoke = "incoming_shares_to_revoke", otherWorkspacesAffected = "other_workspaces_affected"
    }

    static func load(_ workspace: String, options: ClientOptions) async throws -> DeactivationPlan {
        let lifecycle = options.lifecycleURL
        let status = try await object(lifecycle, "/workspaces/\(workspace)")["status"] as? String ?? "unknown"
        let workflows = try await list(lifecycle, "/workspaces/\(workspace)/workflows", "workflows")
            .filter { ($0["enabled"] as? Bool) == true || ($0["triggers_enabled"] as? Bool) == true }
        let executions = try await list(lifecycle, "/workspaces/\(workspace)/executions?status=running", "executions")
        let integrations = try await list(lifecycle, "/workspaces/\(workspace)/integrations", "integrations")
            .filter { $0["refresh_state"] as? String == "active" && ($0["read_only"] as? Bool) != true }
        let keys = try await list(lifecycle, "/workspaces/\(workspace)/api-keys", "api_keys").filter { $0["revoked_at"] == nil }
        let shares = try await list(options.sharingURL, "/workspaces/\(workspace)/shares", "shares")
            .filter { ["pending", "accepted"].contains($0["status"] as? String ?? "") }
        let outgoing = shares.filter { $0["direction"] as? String == "from" }
        let incoming = shares.filter { $0["direction"] as? String == "to" }
        let others = Set(outgoing.compactMap { $0["destination_workspace_id"] as? String } + incoming.compactMap { $0["source_workspace_id"] as? String })
        return DeactivationPlan(
            workspaceID: workspace, workspaceStatus: status,
            workflowsToDisable: workflows.map { pick($0, "workflow_id", "name") },
            executionsToStop: executions.map { pick($0, "execution_id", "workflow_id") },
            oauthIntegrationsToStop: integrations.map { pick($0, "integration_id", "kind", "name") },
            apiKeysToRevoke: keys.map { pick($0, "client_id", "user_id") },
            outgoingSharesToRevoke: outgoing.map(share), incomingSharesToRevoke: incoming.map(share),
            otherWorkspacesAffected: others.sorted()
        )
    }

    func printHuman() {
        print("deactivating \(workspaceID) (now \(workspaceStatus)) would:")
        section("disable workflows", workflowsToDisable, "workflow_id", "name")
        section("stop running executions", executionsToStop, "execution_id", "workflow_id")
        section("stop refreshing OAuth integrations", oauthIntegrationsToStop, "integration_id", "name")
        section("revoke API keys", apiKeysToRevoke, "client_id", "user_id")
        section("revoke shares to other workspaces", outgoingSharesToRevoke, "share_id", "integration", "workspace")
        section("revoke shares from other workspaces", incomingSharesToRevoke, "share_id", "integration", "workspace")
        print("  other workspaces affected: \(otherWorkspacesAffected.isEmpty ? "none" : otherWorkspacesAffected.joined(separator: ", "))")
        print("nothing was changed (dry run)")
    }

    private func section(_ title: String, _ rows: [[String: String]], _ columns: String...) {
        print("  \(title): \(rows.count)")
        for row in rows { print("    " + columns.map { row[$0] ?? "" }.joined(separator: "  ")) }
    }

    private static func share(_ row: [String: Any]) -> [String: String] {
        let outgoing = row["direction"] as? String == "from"
        let integration = row["integration"] as? [String: Any]
        return [
            "share_id": row["share_id"] as? String ?? "", "status": row["status"] as? String ?? "",
            "integration": "\(integration?["name"] as? String ?? "") (\(integration?["id"] as? String ?? ""))",
            "workspace": (outgoing ? row["destination_workspace_id"] : row["source_workspace_id"]) as? String ?? "",
        ]
    }

    private static func pick(_ row: [String: Any], _ keys: String...) -> [String: String] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, row[$0].map { "\($0)" } ?? "") })
    }

    private static func object(_ base: String, _ path: String) async throws -> [String: Any] {
        let (status, body) = try await ReadClient.get(base, path: path)
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw CLIError("HTTP \(status) from \(base)\(path): \(String(decoding: body, as: UTF8.self).prefix(300))")
        }
        return object
    }

    private static func list(_ base: String, _ path: String, _ key: String) async throws -> [[String: Any]] {
        try await object(base, path)[key] as? [[String: Any]] ?? []
    }
}
