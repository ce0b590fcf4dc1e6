import Foundation
import Kafka
import Logging
import Models
import Progress
import TestSupport
import Testing

/// The reliability suite's main run: the four services, Tansu and aiosmtpd as real processes under a
/// sustained mixed load, while each service is SIGKILLed at random points and restarted, one is
/// stopped gracefully under load and left down for a while, duplicates of already-sent commands are
/// re-sent out of order, poison of every kind reaches every command topic and an event topic, and a
/// workspace is deactivated and reactivated. Afterwards: no command without its result, no effect
/// twice, every event published, and no secret anywhere it must not be.
///
/// Size: `TENANCY_RELIABILITY_COMMANDS` (default 1,500 for CI; `deploy/local/reliability.sh` runs 10,000)
/// and `TENANCY_RELIABILITY_SEED`.
@Suite("Reliability: mixed load under faults", .serialized, .timeLimit(.minutes(30)))
struct ReliabilityTests {
    static let environment = ProcessInfo.processInfo.environment
    static let commandCount = environment["TENANCY_RELIABILITY_COMMANDS"].flatMap(Int.init) ?? 1_500
    static let seed = environment["TENANCY_RELIABILITY_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970)

    @Test func nothingLostDuplicatedOrLeakedUnderFaults() async throws {
        print("reliability: \(Self.commandCount) commands, seed \(Self.seed)")
        // Lines as it goes, when deploy/local/reliability.sh runs on a terminal (TENANCY_PROGRESS).
        let progress = ProgressLines(total: 4)
        progress.step("start: broker, mail server, the four services")
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let smtp = try await TestSMTPServer.start()
        defer { smtp.stop() }
        let deployment = try Deployment(broker: broker)
        let services = try await RunningServices.start(deployment, smtpPort: smtp.port)
        defer { services.stopAll() }

        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "reliability")
        )
        defer { producer.close() }
        let results = try ResultWatcher(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)
        let watching = Task { await results.run() }
        // Sharing and Deactivation answer `unavailable` while they catch up on Lifecycle's events (after
        // every restart): the client sends those commands again, as any client must.
        let retrier = UnavailableRetrier(producer: producer, results: results)
        let retrying = Task { await retrier.run() }
        let client = CommandClient(producer: producer, results: results, topics: deployment.topics, retrier: retrier)
        progress.step("world: 12 workspaces and their integrations")
        let world = try await ReliabilityWorld.build(
            client: client,
            asOperator: deployment.operatorCredential,
            workspaces: 12,
            integrationsPerWorkspace: max(2, Self.commandCount * 6 / 10 / (12 * 11) + 1)
        )
        let expiring = try ReliabilityWorld.credential(
            of: try await client.run(
                [
                    CommandClient.record(
                        IssueAPIKey(expiresAt: Date().addingTimeInterval(3)),
                        topic: deployment.topics.lifecycleCommands,
                        key: world.workspaces[1].id.rawValue,
                        credential: world.workspaces[1].credential
                    )
                ],
                what: "issue a key that expires"
            )[0]
        )
        try await services.waitUntilIdle()

        let load = try ReliabilityLoad(count: Self.commandCount, world: world, topics: deployment.topics, seed: Self.seed)
        var random = SplitMix64(seed: Self.seed &+ 1)
        var faults = FaultPlan(commands: load.commands.count, random: &random)
        var figures = ReliabilityFigures(commands: load.commands.count)
        let poison = Self.poison(world: world, topics: deployment.topics)
        retrier.register(load.commands.map { ($0.id, $0.record) } + poison.map { ($0.id, $0.record) })

        // The doomed workspace goes through deactivation and reactivation while the load runs.
        let cycles = Task { try await DeactivationCycles.run(2, world: world, client: client, deployment: deployment, services: services) }

        progress.step("load: \(load.commands.count) commands under faults, 2 deactivation cycles")
        var sent: [ReliabilityLoad.Command] = []
        var deliveries: [String: DeliveryReport] = [:]
        for chunk in stride(from: 0, to: load.commands.count, by: 50) {
            let batch = Array(load.commands[chunk..<min(chunk + 50, load.commands.count)])
            for (command, outcome) in zip(batch, await producer.send(batch.map(\.record))) { deliveries[command.id] = try outcome.get() }
            sent += batch
            for fault in faults.due(at: sent.count) {
                for id in try await fault.inject(
                    services: services,
                    deployment: deployment,
                    producer: producer,
                    sent: sent,
                    poison: poison,
                    random: &random
                ) {
                    faults.resent[id, default: 0] += 1
                }
                figures.faults[fault.name, default: 0] += 1
                progress.detail("\(fault.name) after \(sent.count) commands sent")
            }
            try await Task.sleep(for: .milliseconds(40))
        }
        let cycleIDs = try await cycles.value
        figures.faults["deactivation cycle"] = 2

        // Every command answered - the load, the injected duplicates, the poison, the cycles.
        progress.step("checks: every result, replay, dead letter, refusal and leak")
        let expected = load.commands.map(\.id) + poison.map(\.id) + cycleIDs
        do {
            _ = try await results.wait(for: expected, timeout: .seconds(600))
        } catch {
            throw TestSupportError(
                "\(error)\n\(await MissingResults.describe(results.missing(from: expected), deliveries: deliveries, deployment: deployment))"
            )
        }
        // The last duplicates were sent at the very end: their replays may still be on their way.
        do {
            try await Wait.until("every re-sent command answered again", timeout: .seconds(300), every: .milliseconds(100)) {
                let arrivals = results.arrivals
                return faults.resent.allSatisfy { id, times in (arrivals[id]?.replays ?? 0) >= times }
            }
        } catch {
            let (arrivals, unavailable) = (results.arrivals, results.unavailableAnswers)
            let short = faults.resent.filter { id, times in (arrivals[id]?.replays ?? 0) < times }.prefix(5).map { id, times in
                "\(id) re-sent \(times), replays \(arrivals[id]?.replays ?? -1), copies \(arrivals[id]?.copies ?? -1), "
                    + "unavailable answers \(unavailable[id]?.count ?? 0), to \(load.commands.first { $0.id == id }?.record.topic ?? "?")"
            }
            throw TestSupportError("\(error): \(short)")
        }
        let all = results.arrivals
        let arrivals = Dictionary(uniqueKeysWithValues: expected.compactMap { id in all[id].map { (id, $0) } })
        figures.lost = expected.count - arrivals.count
        figures.resultCopiesRepublished = arrivals.values.reduce(0) { $0 + $1.copies - 1 }
        figures.duplicatesAnsweredByReplay = arrivals.values.reduce(0) { $0 + $1.replays }
        #expect(arrivals.values.allSatisfy { $0.copiesIdentical }, "every re-published copy of a result is the same record")
        // Exactly the re-sent commands are answered by replay, each at least once per re-send. (A replay
        // can arrive twice: a service killed before it deleted the replay's outbox row publishes it again.)
        let replayed = Set(arrivals.filter { $0.value.replays > 0 }.keys)
        let unasked = replayed.subtracting(faults.resent.keys).subtracting(retrier.resentIDs)
        let unaskedDetails = unasked.prefix(5).map { id in
            "\(id) to \(load.commands.first { $0.id == id }?.record.topic ?? "?"), delivered at \(deliveries[id].map { "\($0)" } ?? "?")"
        }
        #expect(
            replayed.isSuperset(of: faults.resent.keys) && unasked.isEmpty,
            "only re-sent commands are answered by replay (by the faults, or by the client after an unavailable answer); answered by replay unasked: \(unaskedDetails)"
        )
        #expect(
            faults.resent.allSatisfy { id, times in (arrivals[id]?.replays ?? 0) >= times },
            "each re-sent command answered with its stored original result"
        )

        // Poison: each refused with its code; the undecodable also dead-lettered, with why.
        let deadLetters = try await Self.deadLetters(broker: broker, topic: deployment.topics.deadLetter)
        for item in poison {
            let result = arrivals[item.id]?.value.flatMap(CommandResult.openingSecrets)
            let accepted = arrivals[item.id]?.accepted == true
            #expect(
                item.code == nil ? accepted : result?.error?.code == item.code,
                "\(item.what) on \(item.record.topic): \(String(describing: result?.error))"
            )
            let entry = deadLetters.first { $0.header(Envelope.Header.id) == item.id }
            #expect((entry != nil) == item.deadLettered, "\(item.what) on \(item.record.topic) dead-lettered: \(entry != nil)")
            if let entry, let code = item.code { #expect(entry.header(DeadLetterHeader.errorCode) == code.rawValue) }
        }
        let garbage = deadLetters.filter { $0.header(DeadLetterHeader.originalTopic) == deployment.topics.lifecycleEvents }
        #expect(
            Set(garbage.compactMap { $0.header(DeadLetterHeader.service) }) == [
                "/tenancy/sharing", "/tenancy/deactivation", "/tenancy/notifications",
            ],
            "every service following the event topic dead-lettered its garbage and went on"
        )
        // Keys that must not work, at every service that takes commands.
        try await Self.refusedEverywhere(
            ["expired": expiring, "revoked": world.revoked, "deactivated workspace's": world.doomed.credential],
            world: world,
            client: client,
            figures: &figures
        )

        try await services.waitUntilIdle()
        let accepted = Dictionary(grouping: load.commands.filter { arrivals[$0.id]?.accepted == true }, by: \.kind).mapValues(\.count)
        #expect(
            load.commands.allSatisfy { arrivals[$0.id]?.accepted == true },
            "every load command is accepted: \(load.commands.filter { arrivals[$0.id]?.accepted != true }.prefix(3).compactMap { arrivals[$0.id]?.value.map { String(decoding: $0, as: UTF8.self) } })"
        )
        figures.duplicated = try await EffectCheck.duplicates(
            accepted: accepted,
            world: world,
            deployment: deployment,
            broker: broker,
            smtp: smtp,
            figures: &figures
        )
        figures.leaked = try await LeakCheck.leaks(
            secrets: world.secrets.union(load.secrets),
            world: world,
            deployment: deployment,
            broker: broker,
            smtp: smtp,
            services: services
        )
        #expect(figures.lost == 0 && figures.duplicated == 0 && figures.leaked == 0, "\(figures)")
        try figures.record()
        print("reliability: commands sent again after an unavailable answer: \(retrier.resent)")
        retrier.stop()
        await retrying.value
        results.stop()
        await watching.value
    }

    /// Everything on the dead-letter topic.
    static func deadLetters(broker: TansuBroker, topic: String) async throws -> [KafkaConsumedMessage] {
        let reader = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topic)
        let records = try await reader.readAll()
        await reader.close()
        return records
    }

    /// The poison set: every kind at each command topic, and undecodable records on an event topic.
    static func poison(world: ReliabilityWorld, topics: Topics) -> [PoisonRecord] {
        let (home, other) = (world.workspaces[0], world.workspaces[1])
        return [PoisonRecord.wrongKey(IssueAPIKey(), topic: topics.lifecycleCommands, key: other.id.rawValue, credential: home.credential)]
            + PoisonRecord.all(
                valid: IssueAPIKey(),
                topic: topics.lifecycleCommands,
                key: home.id.rawValue,
                credential: home.credential,
                revoked: world.revoked,
                foreign: UpdateIntegration(integrationID: other.integrations[0], name: "taken")
            )
            + PoisonRecord.all(
                valid: CreateShareRequest(integrationID: home.integrations[0], destinationWorkspaceID: other.id),
                topic: topics.sharingCommands,
                key: home.id.rawValue,
                credential: home.credential,
                revoked: world.revoked,
                foreign: CreateShareRequest(integrationID: other.integrations[0], destinationWorkspaceID: home.id)
            )
            + PoisonRecord.all(
                valid: DeactivateWorkspace(workspaceID: home.id),
                topic: topics.deactivationCommands,
                key: home.id.rawValue,
                credential: home.credential,
                revoked: world.revoked,
                foreign: DeactivateWorkspace(workspaceID: WorkspaceID(rawValue: "ws_elsewhere0"))
            )
    }

    /// Sends a harmless command with each credential to Lifecycle, Sharing and Deactivation; each must refuse it.
    static func refusedEverywhere(
        _ credentials: [String: Credential],
        world: ReliabilityWorld,
        client: CommandClient,
        figures: inout ReliabilityFigures
    ) async throws {
        let home = world.workspaces[0]
        for (name, credential) in credentials {
            let commands = [
                CommandClient.record(IssueAPIKey(), topic: client.topics.lifecycleCommands, key: home.id.rawValue, credential: credential),
                CommandClient.record(
                    CreateShareRequest(integrationID: home.integrations[0], destinationWorkspaceID: world.workspaces[2].id),
                    topic: client.topics.sharingCommands,
                    key: home.id.rawValue,
                    credential: credential
                ),
                CommandClient.record(
                    DeactivateWorkspace(workspaceID: home.id),
                    topic: client.topics.deactivationCommands,
                    key: home.id.rawValue,
                    credential: credential
                ),
            ]
            client.results.keepValues(of: commands.map(\.id))
            for outcome in await client.send(commands) { _ = try outcome.get() }
            let arrivals = try await client.results.wait(for: commands.map(\.id), timeout: .seconds(120))
            for command in commands {
                let result = arrivals[command.id]?.value.flatMap(CommandResult.openingSecrets)
                #expect(
                    result?.status == .rejected && [.unauthenticated, .workspaceInactive].contains(result?.error?.code),
                    "\(name) key at \(command.record.topic): \(String(describing: result))"
                )
                figures.refusedCredentials += 1
            }
        }
    }
}
