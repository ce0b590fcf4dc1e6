import Foundation
import Kafka
import Models
import TestSupport

/// The two measured loads: as fast as possible (throughput), and at a fixed rate (latency).
enum LoadPhases {
    struct Throughput: Codable {
        var commands: Int
        var shareRequests: Int
        var lifecycleCommands: Int
        var rejected: Int
        var seconds: Double
        var commandsPerSecond: Double
        /// Results that arrived in each second of the phase (for the chart; absent in older reports).
        var resultsPerSecond: [Int]?
    }

    struct Latency: Codable {
        var commands: Int
        var ratePerSecond: Int
        var rejected: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var p999Milliseconds: Double
        var maxMilliseconds: Double
        /// From the produce call to the result's own record timestamp (when the service produced
        /// it); the rest is the result's hop through the broker to this process.
        var untilResultProducedP50Milliseconds: Double?
        var untilResultProducedP99Milliseconds: Double?
        /// Commands in each latency bucket of ``BenchChart/bucketBounds`` (for the chart; absent in older reports).
        var histogram: [Int]?
    }

    /// `CreateShareRequest` for each pair, with one Lifecycle command (`IssueAPIKey` in the source
    /// workspace) after every `lifecycleEvery` share requests, in that order.
    static func mixedCommands(
        pairs: ArraySlice<(source: BenchWorld.Workspace, integration: IntegrationID, destination: WorkspaceID)>,
        lifecycleEvery: Int,
        topics: Topics
    ) -> [(id: String, record: KafkaRecord)] {
        var commands: [(id: String, record: KafkaRecord)] = []
        commands.reserveCapacity(pairs.count + pairs.count / max(lifecycleEvery, 1))
        for (index, pair) in pairs.enumerated() {
            commands.append(
                CommandClient.record(
                    CreateShareRequest(integrationID: pair.integration, destinationWorkspaceID: pair.destination),
                    topic: topics.sharingCommands,
                    key: pair.source.id.rawValue,
                    credential: pair.source.credential
                )
            )
            if lifecycleEvery > 0, index % lifecycleEvery == lifecycleEvery - 1 {
                commands.append(
                    CommandClient.record(
                        IssueAPIKey(scopes: [.workspaceRead]),
                        topic: topics.lifecycleCommands,
                        key: pair.source.id.rawValue,
                        credential: pair.source.credential
                    )
                )
            }
        }
        return commands
    }

    /// Produces everything as fast as the producer takes it; the clock stops at the last result.
    static func throughput(_ commands: [(id: String, record: KafkaRecord)], client: CommandClient) async throws -> Throughput {
        let start = ContinuousClock.now
        let producing = Task {
            for chunk in stride(from: 0, to: commands.count, by: 10_000) {
                _ = await client.producer.send(commands[chunk..<min(chunk + 10_000, commands.count)].map(\.record))
            }
        }
        let arrivals = try await client.results.wait(for: commands.map(\.id), timeout: .seconds(1_800))
        await producing.value
        let end = arrivals.values.map(\.at).max() ?? start
        let seconds = (end - start).seconds
        let shares = commands.filter { $0.record.topic == client.topics.sharingCommands }.count
        return Throughput(
            commands: commands.count,
            shareRequests: shares,
            lifecycleCommands: commands.count - shares,
            rejected: arrivals.values.filter { !$0.accepted }.count,
            seconds: seconds,
            commandsPerSecond: Double(commands.count) / seconds,
            resultsPerSecond: BenchChart.perSecond(arrivals.values.map(\.at), since: start)
        )
    }

    /// Produces `ratePerSecond` commands a second (``PacedSend``); latency runs from the produce
    /// call to the result's arrival at this process.
    static func latency(_ commands: [(id: String, record: KafkaRecord)], ratePerSecond: Int, client: CommandClient) async throws -> Latency {
        let sent = try await PacedSend.run(commands.map(\.record), ratePerSecond: ratePerSecond, producer: client.producer)
        let arrivals = try await client.results.wait(for: commands.map(\.id), timeout: .seconds(600))
        let milliseconds = zip(commands, sent).map { command, sent in (arrivals[command.id]!.at - sent.at).seconds * 1_000 }.sorted()
        let untilProduced = zip(commands, sent).compactMap { command, sent in
            arrivals[command.id]!.producedAtMilliseconds.map { Double($0) - sent.wallClockMilliseconds }
        }.sorted()
        let total = Percentiles(sorted: milliseconds)
        return Latency(
            commands: commands.count,
            ratePerSecond: ratePerSecond,
            rejected: arrivals.values.filter { !$0.accepted }.count,
            p50Milliseconds: total.p50Milliseconds,
            p99Milliseconds: total.p99Milliseconds,
            p999Milliseconds: total.p999Milliseconds,
            maxMilliseconds: total.maxMilliseconds,
            untilResultProducedP50Milliseconds: untilProduced.isEmpty ? nil : Percentiles.percentile(0.50, of: untilProduced),
            untilResultProducedP99Milliseconds: untilProduced.isEmpty ? nil : Percentiles.percentile(0.99, of: untilProduced),
            histogram: BenchChart.histogram(ofSorted: milliseconds)
        )
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
