import Foundation
import Kafka
import Models
import TestSupport
import Testing

/// Several instances of one service in its consumer group, as real processes against Tansu. What
/// holds so far of running a service as several instances (issue 20): the group spreads the tasks
/// over the instances, each task (one partition number of every topic the service reads) whole on
/// one of them, and each says which it owns on `/tasks`; every instance keeps the whole directory
/// (read outside the group), so a command is checked alike wherever it lands, and a share request is
/// decided by the task of its source workspace. State does not move with a task yet.
@Suite("End to end: several instances of a service", .serialized, .timeLimit(.minutes(5)))
struct InstancesTests {
    /// The partition numbers of the tasks an instance owns, as its `/tasks` says; nil while one of
    /// them lacks the partition of a topic Sharing reads (a task split over instances).
    func wholeTasks(opsPort: Int, deployment: Deployment) async -> Set<Int32>? {
        struct View: Decodable {
            struct Task: Decodable {
                struct Input: Decodable { var topic: String }
                var partition: Int32
                var inputs: [Input]
            }
            var tasks: [Task]
        }
        let read = [deployment.topics.sharingCommands, deployment.topics.lifecycleEvents, deployment.topics.deactivationEvents].sorted()
        guard let body = await httpGet(port: opsPort, path: "/tasks")?.body,
            let view = try? JSONDecoder().decode(View.self, from: Data(body.utf8)),
            view.tasks.allSatisfy({ $0.inputs.map(\.topic).sorted() == read })
        else { return nil }
        return Set(view.tasks.map(\.partition))
    }

    @Test func twoInstancesShareTheTasksAndOneTakesThemAllWhenTheOtherLeaves() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (first, _, firstOps) = try await deployment.startReady("sharing")
        defer { first.stop(signal: SIGKILL) }
        try await Wait.until("the first instance owns every task", timeout: .seconds(60)) {
            await wholeTasks(opsPort: firstOps, deployment: deployment) == [0, 1, 2]
        }

        let secondOps = try FreePort.next()
        let second = try deployment.start("sharing", instance: "sharing-2", httpPort: try FreePort.next(), opsPort: secondOps)
        defer { second.stop(signal: SIGKILL) }
        try await Wait.until("the two instances share the tasks, each whole", timeout: .seconds(90), every: .milliseconds(250)) {
            guard let mine = await wholeTasks(opsPort: firstOps, deployment: deployment),
                let theirs = await wholeTasks(opsPort: secondOps, deployment: deployment)
            else { return false }
            return !mine.isEmpty && !theirs.isEmpty && mine.isDisjoint(with: theirs) && mine.union(theirs) == [0, 1, 2]
        }
        try await Wait.until("the second instance is ready", timeout: .seconds(60), every: .milliseconds(250)) {
            await httpGet(port: secondOps, path: "/health/ready")?.status == 200
        }

        let status = await second.stopped(by: SIGTERM, timeout: .seconds(30))
        #expect(status == .exited(0), "log:\n\(second.log.suffix(2_000))")
        #expect(second.log.contains("consumer closed"))
        try await Wait.until("the first instance owns every task again", timeout: .seconds(60), every: .milliseconds(250)) {
            await wholeTasks(opsPort: firstOps, deployment: deployment) == [0, 1, 2]
        }
    }

    /// With more instances than partitions, the one without a task waits, not ready, and takes the
    /// task over when its owner leaves.
    @Test func anInstanceBeyondThePartitionCountWaitsUnreadyAndTakesOverWhenTheOwnerLeaves() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let onePartition = ["TENANCY_PARTITIONS": "1"]
        let (first, _, firstOps) = try await deployment.startReady("sharing", environment: onePartition)
        defer { first.stop(signal: SIGKILL) }
        let secondOps = try FreePort.next()
        let second = try deployment.start(
            "sharing",
            instance: "sharing-2",
            httpPort: try FreePort.next(),
            opsPort: secondOps,
            environment: onePartition
        )
        defer { second.stop(signal: SIGKILL) }
        try await Wait.until("the second instance caught up and joined", timeout: .seconds(60), every: .milliseconds(250)) {
            second.log.contains("replicas caught up") && second.log.contains("consuming")
        }
        // Past a join round (half the 6 s session timeout), the task is still the first's.
        try await Task.sleep(for: .seconds(8))
        let waiting = try #require(await httpGet(port: secondOps, path: "/health/ready"))
        #expect(waiting.status == 503 && waiting.body.contains(#""partitions_assigned":0"#), "\(waiting.body)")
        #expect(await wholeTasks(opsPort: firstOps, deployment: deployment) == [0])

        #expect(await first.stopped(by: SIGTERM, timeout: .seconds(30)) == .exited(0))
        try await Wait.until("the second instance owns the task and is ready", timeout: .seconds(60), every: .milliseconds(250)) {
            guard await wholeTasks(opsPort: secondOps, deployment: deployment) == [0] else { return false }
            return await httpGet(port: secondOps, path: "/health/ready")?.status == 200
        }
    }

    /// Commands the instances on these ops ports forwarded to another task, by their metrics.
    func forwardedCount(opsPorts: [Int]) async -> Double {
        var total = 0.0
        for port in opsPorts {
            let metrics = await httpGet(port: port, path: "/metrics")?.body ?? ""
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("tenancy_commands_forwarded_total") }
            total += line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        return total
    }

    /// Both instances hold every key and integration, whichever partitions of Lifecycle's events
    /// they came on, so that every share request is accepted at whichever instance owns its task
    /// (with the directory read inside the group, each instance had half of it).
    @Test func everyInstanceKeepsTheWholeDirectoryAndAcceptsCommandsOnEveryTask() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, lifecyclePort, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        let (first, sharingPort, firstOps) = try await deployment.startReady("sharing")
        defer { first.stop(signal: SIGKILL) }
        let secondOps = try FreePort.next()
        let second = try deployment.start("sharing", instance: "sharing-2", httpPort: try FreePort.next(), opsPort: secondOps)
        defer { second.stop(signal: SIGKILL) }
        try await Wait.until("the two instances share the tasks", timeout: .seconds(90), every: .milliseconds(250)) {
            guard let mine = await wholeTasks(opsPort: firstOps, deployment: deployment),
                let theirs = await wholeTasks(opsPort: secondOps, deployment: deployment)
            else { return false }
            return !mine.isEmpty && !theirs.isEmpty && mine.union(theirs) == [0, 1, 2]
        }
        let stack = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: sharingPort)

        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let organization = try #require(org.created["organization_id"])
        let home = try #require(org.created["workspace_id"])
        let anaHome = try Stack.key(org)
        _ = try await stack.accepted(
            ["org", "features", organization, "--enable", "workspace_creation", "--enable", "cross_workspace_sharing", "--as-operator"],
            as: [:]
        )
        // Workspaces until each instance has accepted a share request: their keys (which the CLI
        // keys Sharing's commands by) and their events (keyed by workspace) fall on any partition.
        var issuedKeys = 1
        var shares: [String: Int] = [:]
        for index in 1...24 {
            let created = try await stack.accepted(["workspace", "create", "--name", "W\(index)"], as: anaHome)
            issuedKeys += 1
            let key = try Stack.key(created)
            let integration = try #require(
                try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts"], as: key)
                    .created["integration_id"]
            )
            // Every other request from a CLI that cannot ask Sharing for its key's workspace (`/me`):
            // keyed by its client id, it is forwarded when that falls in another task's partition.
            let misKeyed = index % 2 == 0 ? ["TENANCY_SHARING_URL": "http://127.0.0.1:9"] : [:]
            _ = try await stack.accepted(["share", "create", integration, "--to", home], as: key.merging(misKeyed) { $1 }, justIssuedKey: true)
            for instance in ["sharing", "sharing-2"] {
                shares[instance] = try await EffectCheck.count(instance, "SELECT COUNT(*) FROM share", deployment)
            }
            if shares.values.allSatisfy({ $0 > 0 }), await forwardedCount(opsPorts: [firstOps, secondOps]) > 0 { break }
        }
        #expect(shares.values.allSatisfy { $0 > 0 }, "each instance accepted share requests of its own tasks: \(shares)")
        // Each share request was decided by the task of its source workspace (keyed so by the CLI,
        // or forwarded there), so each share lives with the instance that owns that partition.
        for (instance, opsPort) in [("sharing", firstOps), ("sharing-2", secondOps)] {
            let owned = try #require(await wholeTasks(opsPort: opsPort, deployment: deployment))
            let sources = try await EffectCheck.values(instance, "SELECT source_workspace_id FROM share", deployment)
            #expect(sources.allSatisfy { owned.contains(KeyPartitioner.partition(of: $0, count: 3)) }, "\(instance) owns \(owned): \(sources)")
        }
        let forwarded = await forwardedCount(opsPorts: [firstOps, secondOps])
        #expect(forwarded > 0, "some share requests were keyed elsewhere than their source's task")
        // On the topic: the requests of a CLI that could ask are keyed by their workspace, the others
        // by their client id, each of those also in its owner's partition once forwarded.
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.sharingCommands)
        let records = try await reader.readAll()
        await reader.close()
        let keys = records.map { String(decoding: $0.key ?? Data(), as: UTF8.self) }
        #expect(keys.contains { $0.hasPrefix("ws_") } && keys.contains { $0.hasPrefix("key_") }, "\(keys)")
        #expect(Double(records.filter { $0.header("tenancy-forwarded-from") != nil }.count) == forwarded)

        // What the CLI asks: who signed the read, as Sharing knows the key; nothing unsigned.
        let credential = Credential.apiKey(
            clientID: ClientID(rawValue: try #require(anaHome["TENANCY_CLIENT_ID"])),
            secret: try #require(anaHome["TENANCY_CLIENT_SECRET"])
        )
        let me = try #require(await signedGet(port: sharingPort, path: "/me", credential: credential, service: "sharing"))
        let identity = try #require(try JSONSerialization.jsonObject(with: Data(me.body.utf8)) as? [String: Any])
        #expect(me.status == 200 && identity["workspace_id"] as? String == home && identity["client_id"] as? String == anaHome["TENANCY_CLIENT_ID"])
        #expect(identity["organization_id"] as? String == organization && identity["kind"] as? String == "member")
        #expect(await httpGet(port: sharingPort, path: "/me")?.status == 401)

        for (instance, opsPort) in [("sharing", firstOps), ("sharing-2", secondOps)] {
            try await Wait.until("\(instance) holds every key", timeout: .seconds(30), every: .milliseconds(250)) {
                (try? await EffectCheck.count(instance, "SELECT COUNT(*) FROM directory_api_key", deployment)) == issuedKeys
            }
            struct View: Decodable {
                struct Replicas: Decodable {
                    struct Partition: Decodable { var topic: String }
                    var caughtUp: Bool
                    var partitions: [Partition]

                    enum CodingKeys: String, CodingKey {
                        case partitions
                        case caughtUp = "caught_up"
                    }
                }
                var replicas: Replicas
            }
            let body = try #require(await httpGet(port: opsPort, path: "/tasks")?.body)
            let view = try JSONDecoder().decode(View.self, from: Data(body.utf8))
            #expect(view.replicas.caughtUp)
            #expect(
                view.replicas.partitions.map(\.topic).sorted()
                    == ([deployment.topics.lifecycleEvents, deployment.topics.deactivationEvents].flatMap { Array(repeating: $0, count: 3) }).sorted(),
                "\(instance) reads every partition of the replicated topics"
            )
        }
    }
}
