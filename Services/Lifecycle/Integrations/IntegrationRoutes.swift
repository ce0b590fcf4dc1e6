import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import ServiceKit

/// `GET /workspaces/{id}/integrations[?kind=step|trigger|secret][&shared=to|from|none]`: the
/// workspace's own integrations and the copies shared into it, with secret field names, never values.
enum IntegrationRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        router.get("/workspaces/:id/integrations") { request, context -> Response in
            let id = try context.parameters.require("id")
            let kind = request.uri.queryParameters.get("kind")
            if let kind, IntegrationKind(rawValue: kind) == nil {
                throw HTTPError(.badRequest, message: "kind must be step, trigger or secret")
            }
            let shared = request.uri.queryParameters.get("shared")
            if let shared, !["to", "from", "none"].contains(shared) {
                throw HTTPError(.badRequest, message: "shared must be to, from or none")
            }
            let integrations = try await reader.read { db -> [IntegrationView]? in
                guard try WorkspaceRecord.exists(db, key: id) else { return nil }
                let views = try local(in: id, kind: kind, db: db) + copies(in: id, kind: kind, db: db)
                return views.filter { view in
                    switch shared {
                    case "to": view.shared?.direction == .to
                    case "from": view.shared?.direction == .from
                    case "none": view.shared == nil
                    default: true
                    }
                }
            }
            return try JSONResponse.make(integrations.map { ["integrations": $0] }, notFound: "workspace '\(id)' not found")
        }
    }

    private static func local(in workspace: String, kind: String?, db: Database) throws -> [IntegrationView] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM integration WHERE workspace_id = ? AND (? IS NULL OR kind = ?) ORDER BY kind, name_key", arguments: [workspace, kind, kind])
        return try rows.compactMap { row in
            guard let snapshot = try IntegrationQueries.snapshot(row) else { return nil }
            let destinations = try String.fetchAll(db, sql: "SELECT destination_workspace_id FROM shared_copy WHERE source_integration_id = ? ORDER BY destination_workspace_id", arguments: [snapshot.integrationID])
            return IntegrationView(integration: snapshot, shared: destinations.isEmpty ? nil : .init(direction: .from, destinations: destinations))
        }
    }

    /// Copies show the source's current fields under the copy's id, in the destination workspace.
    private static func copies(in workspace: String, kind: String?, db: Database) throws -> [IntegrationView] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT integration.*, shared_copy.id AS copy_id, shared_copy.share_id, shared_copy.source_workspace_id
            FROM shared_copy JOIN integration ON integration.id = shared_copy.source_integration_id
            WHERE shared_copy.destination_workspace_id = ? AND (? IS NULL OR integration.kind = ?) ORDER BY integration.kind, integration.name_key
            """, arguments: [workspace, kind, kind])
        return try rows.compactMap { row in
            guard var snapshot = try IntegrationQueries.snapshot(row) else { return nil }
            let sourceID = snapshot.integrationID
            snapshot.integrationID = row["copy_id"]
            snapshot.workspaceID = WorkspaceID(rawValue: workspace)
            return IntegrationView(integration: snapshot, shared: .init(
                direction: .to, shareID: row["share_id"], sourceWorkspaceID: row["source_workspace_id"], sourceIntegrationID: sourceID.rawValue
            ))
        }
    }
}

/// An integration in a workspace's list: its fields, and how it is shared (the "Shared" column).
struct IntegrationView: Encodable {
    struct Sharing: Encodable {
        enum Direction: String, Encodable { case to, from }
        var direction: Direction
        /// For a copy shared into the workspace.
        var shareID: String?
        var sourceWorkspaceID: String?
        var sourceIntegrationID: String?
        /// For a local integration shared out: the workspaces holding a copy.
        var destinations: [String]?

        enum CodingKeys: String, CodingKey {
            case direction, shareID = "share_id", sourceWorkspaceID = "source_workspace_id", sourceIntegrationID = "source_integration_id", destinations
        }
    }

    var integration: IntegrationSnapshot
    var shared: Sharing?

    private enum CodingKeys: String, CodingKey { case shared, readOnly = "read_only" }

    func encode(to encoder: any Encoder) throws {
        try integration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(shared, forKey: .shared)
        try container.encode(shared?.direction == .to, forKey: .readOnly)
    }
}
