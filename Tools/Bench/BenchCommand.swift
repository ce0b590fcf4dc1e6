import ArgumentParser
import Foundation
import Kafka
import Logging
import Models
import Progress
import TestSupport

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-bench",
        abstract: "Measure Tenancy end to end against a real broker and the real service processes.",
        discussion: """
            Starts a Tansu broker (or uses --bootstrap-servers), Lifecycle and Sharing from --bin-dir, builds an
            organization with --sources source workspaces, then measures: throughput (--commands auto-accepted
            CreateShareRequest plus one IssueAPIKey every --lifecycle-every), latency at --rate commands/s, the
            same records through the broker with librdkafka alone (two hops), signature checks in-process, resource use, and start-up and
            memory with --stored-shares shares stored. The same latency load also goes through the broker alone (two
            hops, a relay in between), as the floor under the services' latency. Prints a table and writes --output as JSON.
            Example: deploy/local/bench.sh --commands 100000
            """
    )

    @Option(help: "CreateShareRequest commands in the throughput phase.") var commands = 100_000
    @Option(help: "One IssueAPIKey after every this many share requests (0: none).") var lifecycleEvery = 10
    @Option(help: "Source workspaces.") var sources = 1_000
    @Option(help: "Destination workspaces (all owned by the sharing user: auto-accept).") var destinations = 10
    @Option(help: "Commands per second in the latency phase.") var rate = 1_000
    @Option(help: "Seconds of the latency phase.") var latencySeconds = 10
    @Option(help: "Shares stored for the start-up and memory measurement (0: skip).") var storedShares = 1_000_000
    @Option(help: "Partitions of the topics.") var partitions: Int32 = 3
    @Option(help: "Where the tenancy-* executables are.") var binDir = ".build/release"
    @Option(help: "An existing broker; default: start Tansu on a free port.") var bootstrapServers: String?
    @Option(help: "JSON report file.") var output = "bench-results/latest.json"
    @Flag(help: "Only measure signature checks and event tags in-process (no broker, no services), and print them.")
    var signaturesOnly = false
    @Option(
        parsing: .upToNextOption,
        help:
            "Only measure the throughput phase with each of these numbers of Sharing instances (e.g. 1 2 3), each on a fresh broker, and print them."
    )
    var scaleOut: [Int] = []
    @Option(
        parsing: .upToNextOption,
        help: "Only compare: reports an earlier revision's bench wrote (with --compare-after; deploy/local/bench.sh --against runs both)."
    )
    var compareBefore: [String] = []
    @Option(parsing: .upToNextOption, help: "Only compare: this revision's reports, set against --compare-before's.")
    var compareAfter: [String] = []
    @Option(
        name: .customLong("service-env"),
        help: "KEY=VALUE added to the services' environment, repeatable; replaces the default, which is how the deploy files run them."
    )
    var serviceEnvironment: [String] = ["MALLOC_ARENA_MAX=2"]

    func validate() throws {
        for (name, value) in [
            ("--commands", commands), ("--sources", sources), ("--destinations", destinations), ("--rate", rate),
            ("--latency-seconds", latencySeconds),
        ] {
            guard value > 0 else { throw ValidationError("\(name) must be at least 1") }
        }
        guard lifecycleEvery >= 0, storedShares >= 0, partitions > 0 else {
            throw ValidationError("--lifecycle-every and --stored-shares must not be negative, --partitions at least 1")
        }
        guard scaleOut.allSatisfy({ (1...Int(partitions)).contains($0) }) else {
            throw ValidationError("--scale-out takes numbers of instances from 1 to --partitions (\(partitions))")
        }
        guard compareBefore.isEmpty == compareAfter.isEmpty else {
            throw ValidationError("--compare-before and --compare-after go together")
        }
        for entry in serviceEnvironment where !entry.contains("=") || entry.hasPrefix("=") {
            throw ValidationError("--service-env takes KEY=VALUE, got '\(entry)'")
        }
    }

    func run() async throws {
        if !compareBefore.isEmpty { return try compare() }
        // The phases as they begin, with the time since the start, when someone watches.
        let progress = ProgressLines()
        progress.step("signature checks: in-process, no broker")
        let signatures = try SignatureCost.measure()
        say(BenchReport.signatureLine(signatures))
        if signaturesOnly { return }
        if !scaleOut.isEmpty { return try await measureScaleOut() }
        let broker = bootstrapServers == nil ? try await TansuBroker.start() : nil
        defer { broker?.stop() }
        let servers = bootstrapServers ?? broker!.bootstrapServers
        let deployment = try Deployment(bootstrapServers: servers, binaries: URL(fileURLWithPath: binDir).standardizedFileURL.path)
        let environment = serviceSettings
        progress.step("broker \(servers), services from \(deployment.binaries), data in \(deployment.directory.path)")

        var (lifecycle, lifecyclePort, lifecycleOpsPort) = try await deployment.startReady("lifecycle", environment: environment)
        var (sharing, sharingPort, sharingOpsPort) = try await deployment.startReady("sharing", environment: environment)
        defer {
            lifecycle.stop(signal: SIGKILL)
            sharing.stop(signal: SIGKILL)
        }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: servers, clientID: "tenancy-bench")),
            logger: Logger(label: "bench")
        )
        defer { producer.close() }
        let results = try ResultWatcher(bootstrapServers: servers, topic: deployment.topics.commandResults)
        let watching = Task { await results.run() }
        defer { results.stop() }
        let client = CommandClient(producer: producer, results: results, topics: deployment.topics)

        let latencyCommands = rate * latencySeconds
        // After the restart at stored shares: 2 s to open every key again (unmeasured), then 5 s measured.
        let (warmUp, afterRestart) = storedShares > 0 ? (rate * 2, rate * 5) : (0, 0)
        let pairsNeeded = commands + latencyCommands + warmUp + afterRestart
        let integrationsPerSource = (pairsNeeded + sources * destinations - 1) / (sources * destinations)
        progress.step("setup: \(sources + destinations) workspaces, \(sources * integrationsPerSource) integrations")
        let world = try await BenchWorld.build(
            client: client,
            asOperator: deployment.operatorCredential,
            sources: sources,
            destinations: destinations,
            integrationsPerSource: integrationsPerSource
        )
        try await waitUntilIdle(opsPorts: [lifecycleOpsPort, sharingOpsPort])
        let pairs = world.sharePairs()

        progress.step("throughput: \(commands) share requests + a Lifecycle command every \(lifecycleEvery)")
        let load = LoadPhases.mixedCommands(pairs: pairs[0..<commands], lifecycleEvery: lifecycleEvery, topics: deployment.topics)
        let before = try [ProcessStats.of(pid: lifecycle.pid), ProcessStats.of(pid: sharing.pid)]
        let cpuBefore = try CPUSnapshot.take(brokerPID: broker?.pid)
        let throughput = try await LoadPhases.throughput(load, client: client)
        let throughputCPU = try CPUSnapshot.take(brokerPID: broker?.pid).use(since: cpuBefore, count: load.count)
        let after = try [ProcessStats.of(pid: lifecycle.pid), ProcessStats.of(pid: sharing.pid)]
        try await waitUntilIdle(opsPorts: [lifecycleOpsPort, sharingOpsPort])

        progress.step("latency: \(latencyCommands) share requests at \(rate)/s")
        let latencyLoad = LoadPhases.mixedCommands(
            pairs: pairs[commands..<(commands + latencyCommands)],
            lifecycleEvery: 0,
            topics: deployment.topics
        )
        let sharingMetricsBefore = await httpGet(port: sharingOpsPort, path: "/metrics")?.body ?? ""
        let sharingBeforeLatency = try ProcessStats.of(pid: sharing.pid)
        let latency = try await LoadPhases.latency(latencyLoad, ratePerSecond: rate, client: client)
        let sharingCPUAtRate = try ProcessStats.of(pid: sharing.pid).cpuSecondsPerThousand(since: sharingBeforeLatency, commands: latencyLoad.count)
        let latencyInSharing = ServiceLatencySplit(
            before: sharingMetricsBefore,
            after: await httpGet(port: sharingOpsPort, path: "/metrics")?.body ?? ""
        )
        let peaks = try [ProcessStats.of(pid: lifecycle.pid), ProcessStats.of(pid: sharing.pid)]

        progress.step("raw latency: \(latencyLoad.count) records at \(rate)/s, two hops")
        let rawLatency = try await RawLatency.run(
            records: latencyLoad.map(\.record),
            ratePerSecond: rate,
            bootstrapServers: servers,
            prefix: deployment.prefix,
            partitions: partitions
        )

        progress.step("raw baseline: \(load.count) records, two hops")
        let rawCPUBefore = try CPUSnapshot.take(brokerPID: broker?.pid)
        let raw = try await RawBaseline.run(records: load.map(\.record), bootstrapServers: servers, prefix: deployment.prefix, partitions: partitions)
        let rawCPU = try CPUSnapshot.take(brokerPID: broker?.pid).use(since: rawCPUBefore, count: load.count)
        let outputs = try await RawBaseline.outputSizes(
            events: deployment.topics.sharingEvents,
            results: deployment.topics.commandResults,
            bootstrapServers: servers
        )
        progress.step("like-for-like baseline: \(load.count) records, the relay producing \(outputs) bytes for each")
        let likeForLike = try await RawBaseline.run(
            records: load.map(\.record),
            relaying: outputs,
            bootstrapServers: servers,
            prefix: deployment.prefix,
            partitions: partitions
        )

        progress.step("group join: a bare consumer joining a fresh group")
        let groupJoin = try await GroupJoin.seconds(bootstrapServers: servers, topic: deployment.topics.sharingCommands)

        await lifecycle.stopped(by: SIGTERM)
        await sharing.stopped(by: SIGTERM)
        let shares = try StoredShares.count(in: deployment.database("sharing"))
        var services = try zip(["lifecycle", "sharing"], zip(before, zip(after, peaks))).map { name, stats in
            BenchReport.Service(
                name: name,
                peakResidentMegabytesDuringLoad: stats.1.1.peakResidentMegabytes,
                cpuSecondsPerThousandCommands: stats.1.0.cpuSecondsPerThousand(since: stats.0, commands: load.count),
                writtenKilobytesPerCommand: (stats.1.0.writtenBytes - stats.0.writtenBytes) / 1_024 / Double(load.count),
                databaseMegabytesPerHundredThousandShares: try StoredShares.megabytes(of: deployment.database(name)) / Double(max(shares, 1))
                    * 100_000
            )
        }

        var stored: BenchReport.StoredSharesRun?
        if storedShares > 0 {
            progress.step("growing the databases to \(storedShares) shares")
            let grown = try await StoredShares.grow(deployment: deployment, to: storedShares)
            var processes: [ChildProcess] = []
            for (index, name) in ["lifecycle", "sharing"].enumerated() {
                let (port, opsPort) = index == 0 ? (lifecyclePort, lifecycleOpsPort) : (sharingPort, sharingOpsPort)
                let started = ContinuousClock.now
                let process = try deployment.start(name, httpPort: port, opsPort: opsPort, environment: environment)
                try await Wait.until("\(name) is live", timeout: .seconds(60), every: .milliseconds(10)) {
                    await httpGet(port: opsPort, path: "/health/live")?.status == 200
                }
                services[index].startupToLiveSeconds = (ContinuousClock.now - started).seconds
                try await Wait.until("\(name) is ready", timeout: .seconds(60), every: .milliseconds(10)) {
                    await httpGet(port: opsPort, path: "/health/ready")?.status == 200
                }
                services[index].startupToReadySeconds = (ContinuousClock.now - started).seconds
                processes.append(process)
            }
            (lifecycle, sharing) = (processes[0], processes[1])
            let start = commands + latencyCommands
            let opening = LoadPhases.mixedCommands(pairs: pairs[start..<(start + warmUp)], lifecycleEvery: 0, topics: deployment.topics)
            _ = try await LoadPhases.latency(opening, ratePerSecond: rate, client: client)
            let probe = LoadPhases.mixedCommands(
                pairs: pairs[(start + warmUp)..<(start + warmUp + afterRestart)],
                lifecycleEvery: 0,
                topics: deployment.topics
            )
            let sharingBeforeProbe = try ProcessStats.of(pid: sharing.pid)
            let probeLatency = try await LoadPhases.latency(probe, ratePerSecond: rate, client: client)
            let probeCPU = try ProcessStats.of(pid: sharing.pid).cpuSecondsPerThousand(since: sharingBeforeProbe, commands: probe.count)
            stored = BenchReport.StoredSharesRun(shares: grown, latency: probeLatency, sharingCPUSecondsPerThousandCommands: probeCPU)
            for (index, process) in processes.enumerated() {
                services[index].residentMegabytesAtStoredShares = try ProcessStats.of(pid: process.pid).peakResidentMegabytes
            }
            await lifecycle.stopped(by: SIGTERM)
            await sharing.stopped(by: SIGTERM)
            for (index, name) in ["lifecycle", "sharing"].enumerated() {
                services[index].databaseMegabytesAtStoredShares = try StoredShares.megabytes(of: deployment.database(name))
            }
        }
        results.stop()
        await watching.value

        let report = BenchReport(
            command: (["tenancy-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            date: Timestamp.format(Date()),
            machine: MachineFacts.current(),
            throughput: throughput,
            rawBaseline: raw,
            throughputRatioToBaseline: throughput.commandsPerSecond / raw.messagesPerSecond,
            likeForLikeBaseline: likeForLike,
            throughputRatioToLikeForLike: throughput.commandsPerSecond / likeForLike.messagesPerSecond,
            throughputCPU: throughputCPU,
            rawBaselineCPU: rawCPU,
            latency: latency,
            latencyInSharing: latencyInSharing,
            sharingCPUSecondsPerThousandAtRate: sharingCPUAtRate,
            rawLatency: rawLatency,
            brokerAloneGroupJoinSeconds: groupJoin,
            services: services,
            storedShares: stored,
            signatures: signatures
        )
        say("\n" + report.table)
        let file = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try report.json().write(to: file)
        say("\nwritten to \(output)")
        if let chart = BenchChart.svg(throughput: report.throughput, latency: report.latency, title: "tenancy-bench, \(report.date)") {
            let picture = file.deletingPathExtension().appendingPathExtension("svg")
            try Data(chart.utf8).write(to: picture)
            say("and drawn in \(picture.path)")
        }
    }

    /// The services' environment. The load is one owner's keys sending as fast as the services take
    /// them: the rate limits, which are there to keep one tenant from starving the others, are off,
    /// and so is the refusal while Sharing is behind on Lifecycle's events, which the throughput
    /// phase's deliberate backlog would trip (--service-env can set them).
    private var serviceSettings: [String: String] {
        let extra = serviceEnvironment.map { entry in entry.split(separator: "=", maxSplits: 1).map(String.init) }
        return [
            "TENANCY_PARTITIONS": String(partitions), "TENANCY_LOG_LEVEL": "warning",
            "TENANCY_RATE_LIMIT_PER_KEY": "0", "TENANCY_RATE_LIMIT_PER_WORKSPACE": "0", "TENANCY_MAX_REPLICA_LAG_SECONDS": "0",
        ]
        .merging(extra.map { ($0[0], $0.count > 1 ? $0[1] : "") }) { _, given in given }
    }

    /// `--scale-out`: the throughput phase with each number of Sharing instances; prints them and
    /// writes them to `--output`.
    private func measureScaleOut() async throws {
        let settings = ScaleOut.Settings(
            commands: commands,
            sources: sources,
            destinations: destinations,
            lifecycleEvery: lifecycleEvery,
            partitions: partitions,
            binDir: URL(fileURLWithPath: binDir).standardizedFileURL.path,
            environment: serviceSettings
        )
        var runs: [ScaleOut.Run] = []
        let progress = ProgressLines(total: scaleOut.count)
        for instances in scaleOut {
            progress.step("scale-out: \(commands) share requests with \(instances) Sharing instance(s)")
            runs.append(try await ScaleOut.run(instances: instances, settings: settings))
        }
        say("\n" + ScaleOut.table(runs))
        let file = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(runs).write(to: file)
        say("\nwritten to \(output)")
    }

    /// `--compare-before`/`--compare-after`: prints how this revision's runs compare with the earlier
    /// one's and writes it to `--output`.
    private func compare() throws {
        let comparison = try BenchComparison(beforeFiles: compareBefore, afterFiles: compareAfter)
        say(comparison.table)
        let file = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try comparison.json().write(to: file)
        say("\nwritten to \(output)")
    }

    /// Waits until each service has consumed everything and published its outbox.
    private func waitUntilIdle(opsPorts: [Int]) async throws {
        for opsPort in opsPorts {
            try await Wait.until("service with ops port \(opsPort) is idle", timeout: .seconds(600), every: .milliseconds(200)) {
                await isIdle(opsPort: opsPort)
            }
        }
    }
}

/// Writes a line at once, also when the output is a file (`print` would buffer it until the end).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
