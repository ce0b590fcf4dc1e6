import Foundation
import Kafka
import Logging
import TestSupport

/// The throughput phase's load with 1, 2, ... Sharing instances in one consumer group, each on a
/// fresh broker and deployment: how throughput and Sharing's CPU per command change as instances
/// are added on this machine. Measured once the group has settled (every task owned, each whole, by
/// exactly one instance) and the world is built, so that no task moves during the load.
enum ScaleOut {
    struct Run: Codable {
        var sharingInstances: Int
        /// From starting the instances after the first to the group settled with all of them.
        var settleSeconds: Double
        var throughput: LoadPhases.Throughput
        /// Summed over every Sharing instance.
        var sharingCPUSecondsPerThousandCommands: Double
        var lifecycleCPUSecondsPerThousandCommands: Double
        /// Share requests each instance decided, in instance order.
        var sharesPerInstance: [Int]
    }

    struct Settings {
        var commands: Int
        var sources: Int
        var destinations: Int
        var lifecycleEvery: Int
        var partitions: Int32
        var binDir: String
        var environment: [String: String]
    }

    static func run(instances: Int, settings: Settings) async throws -> Run {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(bootstrapServers: broker.bootstrapServers, binaries: settings.binDir)
        let (lifecycle, _, lifecycleOps) = try await deployment.startReady("lifecycle", environment: settings.environment)
        defer { lifecycle.stop(signal: SIGKILL) }
        let (first, _, firstOps) = try await deployment.startReady("sharing", environment: settings.environment)
        var sharing = [(name: "sharing", process: first, opsPort: firstOps)]
        defer { for instance in sharing { instance.process.stop(signal: SIGKILL) } }

        let started = ContinuousClock.now
        for number in stride(from: 2, through: instances, by: 1) {
            let opsPort = try FreePort.next()
            let process = try deployment.start(
                "sharing",
                instance: "sharing-\(number)",
                httpPort: try FreePort.next(),
                opsPort: opsPort,
                environment: settings.environment
            )
            sharing.append(("sharing-\(number)", process, opsPort))
        }
        let opsPorts = sharing.map(\.opsPort)
        try await Wait.until("the group settled: every task owned by one instance", timeout: .seconds(180), every: .milliseconds(500)) {
            await settled(opsPorts: opsPorts, partitions: settings.partitions)
        }
        let settleSeconds = instances > 1 ? (ContinuousClock.now - started).seconds : 0

        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                connection: KafkaConnection(bootstrapServers: broker.bootstrapServers, clientID: "tenancy-bench")
            ),
            logger: Logger(label: "bench")
        )
        defer { producer.close() }
        let results = try ResultWatcher(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let watching = Task { await results.run() }
        defer { results.stop() }
        let client = CommandClient(producer: producer, results: results, topics: deployment.topics)
        let integrationsPerSource = (settings.commands + settings.sources * settings.destinations - 1) / (settings.sources * settings.destinations)
        let world = try await BenchWorld.build(
            client: client,
            asOperator: deployment.operatorCredential,
            sources: settings.sources,
            destinations: settings.destinations,
            integrationsPerSource: integrationsPerSource
        )
        for opsPort in [lifecycleOps] + opsPorts {
            try await Wait.until("service with ops port \(opsPort) is idle", timeout: .seconds(600), every: .milliseconds(200)) {
                await isIdle(opsPort: opsPort)
            }
        }
        let load = LoadPhases.mixedCommands(
            pairs: world.sharePairs()[0..<settings.commands],
            lifecycleEvery: settings.lifecycleEvery,
            topics: deployment.topics
        )
        let pids = [lifecycle.pid] + sharing.map(\.process.pid)
        let before = try pids.map { try ProcessStats.of(pid: $0).cpuSeconds }
        let throughput = try await LoadPhases.throughput(load, client: client)
        let after = try pids.map { try ProcessStats.of(pid: $0).cpuSeconds }
        results.stop()
        await watching.value

        let thousands = Double(load.count) / 1_000
        let used = zip(after, before).map { ($0 - $1) / thousands }
        var shares: [Int] = []
        for instance in sharing {
            await instance.process.stopped(by: SIGTERM)
            shares.append(try StoredShares.count(in: deployment.database(instance.name)))
        }
        return Run(
            sharingInstances: instances,
            settleSeconds: settleSeconds,
            throughput: throughput,
            sharingCPUSecondsPerThousandCommands: used.dropFirst().reduce(0, +),
            lifecycleCPUSecondsPerThousandCommands: used[0],
            sharesPerInstance: shares
        )
    }

    /// Whether the instances on these ops ports are ready and own every task exactly once between them.
    static func settled(opsPorts: [Int], partitions: Int32) async -> Bool {
        struct View: Decodable {
            struct Task: Decodable { var partition: Int32 }
            var tasks: [Task]
        }
        var owned: [Int32] = []
        for port in opsPorts {
            guard await httpGet(port: port, path: "/health/ready")?.status == 200,
                let body = await httpGet(port: port, path: "/tasks")?.body,
                let view = try? JSONDecoder().decode(View.self, from: Data(body.utf8))
            else { return false }
            owned += view.tasks.map(\.partition)
        }
        return owned.sorted() == Array(0..<partitions)
    }

    /// One line per run, for people.
    static func table(_ runs: [Run]) -> String {
        var lines = ["sharing instances | settle s | commands/s | Sharing CPU s/1000 (all instances) | Lifecycle CPU s/1000 | shares per instance"]
        for run in runs {
            let numbers = [
                String(run.sharingInstances), String(format: "%.1f", run.settleSeconds), String(format: "%.0f", run.throughput.commandsPerSecond),
                String(format: "%.2f", run.sharingCPUSecondsPerThousandCommands), String(format: "%.2f", run.lifecycleCPUSecondsPerThousandCommands),
                run.sharesPerInstance.map(String.init).joined(separator: " / "),
            ]
            lines.append(numbers.joined(separator: " | "))
        }
        return lines.joined(separator: "\n")
    }
}
