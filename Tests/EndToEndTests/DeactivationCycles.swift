import Foundation
import Models
import TestSupport
import Testing

/// Deactivates and reactivates the doomed workspace during the load, issuing a new Owner key after
/// each reactivation; every operation must complete despite the faults. Returns the command ids sent.
enum DeactivationCycles {
    static func run(
        _ cycles: Int,
        world: ReliabilityWorld,
        client: CommandClient,
        deployment: Deployment,
        services: RunningServices
    ) async throws -> [String] {
        var ids: [String] = []
        var credential = world.doomed.credential
        let workspace = world.doomed.id
        let asOperator = deployment.operatorCredential
        for _ in 0..<cycles {
            let deactivated = try await send(
                DeactivateWorkspace(workspaceID: workspace),
                topic: client.topics.deactivationCommands,
                credential: credential,
                client: client,
                ids: &ids
            )
            try await waitForOperation(deactivated.created["operation_id"], status: "deactivated", services: services)
            let reactivated = try await send(
                ReactivateWorkspace(workspaceID: workspace),
                topic: client.topics.deactivationCommands,
                credential: asOperator,
                client: client,
                ids: &ids
            )
            try await waitForOperation(reactivated.created["operation_id"], status: "reactivated", services: services)
            let key = try await send(
                IssueOwnerKey(workspaceID: workspace, userID: world.anaUserID),
                topic: client.topics.lifecycleCommands,
                credential: asOperator,
                client: client,
                ids: &ids
            )
            credential = try ReliabilityWorld.credential(of: key)
        }
        return ids
    }

    /// Sends one command and waits for its acceptance. A just-issued key may not have reached
    /// Deactivation yet (`unauthenticated` changes nothing): the command is then sent again, anew.
    private static func send<M: Message>(
        _ command: M,
        topic: String,
        credential: Credential,
        client: CommandClient,
        ids: inout [String]
    ) async throws -> CommandResult {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let record = CommandClient.record(command, topic: topic, key: "doomed", credential: credential)
            ids.append(record.id)
            client.results.keepValues(of: [record.id])
            _ = try await client.send([record])[0].get()
            let arrival = try await client.results.wait(for: [record.id], timeout: .seconds(300))[record.id]
            let result = try #require(arrival?.value.flatMap(CommandResult.openingSecrets))
            if result.status == .accepted { return result }
            guard result.error?.code == .unauthenticated, ContinuousClock.now < deadline else {
                throw TestSupportError("\(M.messageType) was refused: \(result.error?.description ?? "?")")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private static func waitForOperation(_ id: String?, status: String, services: RunningServices) async throws {
        let id = try #require(id)
        try await Wait.until("operation \(id) is \(status)", timeout: .seconds(300), every: .milliseconds(250)) {
            guard
                let body = await signedGet(
                    port: services.port("deactivation"),
                    path: "/operations/\(id)",
                    credential: TestKeys.operatorCredential,
                    service: "deactivation"
                )?.body,
                let view = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            else { return false }
            if view["status"] as? String == "failed" { throw TestSupportError("operation \(id) failed: \(body)") }
            return view["status"] as? String == status
        }
    }
}
