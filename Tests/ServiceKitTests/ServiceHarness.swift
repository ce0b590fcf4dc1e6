import Foundation
import GRDB
import Kafka
import Logging
import Models
import Pipeline
import ServiceKit
import TestSupport

/// A real runtime of the tests' own ``NoteService`` in this process, built exactly as a service's
/// `main` builds it, against a real Tansu broker and a real SQLite file.
final class ServiceHarness: Sendable {
    let broker: TansuBroker
    let prefix: String
    let topics: PipelineTopics
    let definition: ServiceDefinition
    let databasePath: String
    let producer: KafkaProducer
    private let running: LockedRuntime

    /// Runs `body` with a started harness and always shuts it down afterwards.
    static func with(_ body: (ServiceHarness) async throws -> Void) async throws {
        let harness = try await start()
        do {
            try await body(harness)
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    static func start() async throws -> ServiceHarness {
        let broker = try await TansuBroker.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenancy-pipeline-\(UUID().uuidString)")
        let harness = try ServiceHarness(broker: broker, databasePath: directory.appendingPathComponent("notes.sqlite").path)
        try await harness.startService()
        return harness
    }

    private init(broker: TansuBroker, databasePath: String) throws {
        self.broker = broker
        self.databasePath = databasePath
        prefix = "t\(UUID().uuidString.prefix(8).lowercased())"
        topics = NoteService.topics(prefix: prefix)
        definition = NoteService.definition(prefix: prefix)
        var clientLogger = Logger(label: "test.client")
        clientLogger.logLevel = .critical
        producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: clientLogger
        )
        running = LockedRuntime()
    }

    /// Builds and runs the service; a previous instance must have been stopped.
    func startService() async throws {
        for (name, value) in TestKeys.environment(for: definition.name) { setenv(name, value, 1) }
        let options = try ServiceOptions.parse([
            "--bootstrap-servers", broker.bootstrapServers, "--database", databasePath, "--topic-prefix", prefix,
            "--http-port", String(try FreePort.next()), "--ops-port", String(try FreePort.next()), "--session-timeout-ms", "6000",
            "--heartbeat-interval-ms", "500", "--partitions", "3",
            "--max-payload-bytes", "100000",
        ])
        var logger = Logger(label: "test.notes")
        logger.logLevel = .warning
        let runtime = try await ServiceRuntime.build(definition, options: options, logger: logger)
        let task = Task { try await runtime.run() }
        running.set(runtime, task)
    }

    /// Graceful shutdown, as on SIGTERM; returns once the service has stopped.
    func stopService() async throws {
        guard let (runtime, task) = running.take() else { return }
        await runtime.group.triggerGracefulShutdown()
        try await task.value
    }

    var store: ServiceStore {
        get throws { try ServiceStore(path: databasePath, migrations: { _ in }) }
    }

    /// The running service's ops port (health and metrics).
    var opsPort: Int? { running.current?.0.opsPort }

    /// The running service's own store: its writer connection is the one that commits batches.
    var serviceStore: ServiceStore? { running.current?.0.store }

    func send(_ records: [KafkaRecord]) async throws {
        for result in await producer.send(records) { _ = try result.get() }
    }

    func command<M: Message>(_ command: M, id: String = UUID().uuidString, key: String = "k", credential: Credential? = nil) -> KafkaRecord {
        CommandFactory.record(command, topic: commandTopic, id: id, key: key, credential: credential ?? TestKeys.operatorCredential)
    }

    var commandTopic: String { topics.commands ?? "" }
    var eventTopic: String { topics.events ?? "" }

    func reader(_ topic: String) async throws -> TopicReader {
        try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: topic)
    }

    func shutdown() async {
        try? await stopService()
        producer.close()
        broker.stop()
    }
}

private final class LockedRuntime: @unchecked Sendable {
    private var value: (ServiceRuntime, Task<Void, Error>)?
    private let lock = NSLock()

    func set(_ runtime: ServiceRuntime, _ task: Task<Void, Error>) { lock.withLock { value = (runtime, task) } }
    func take() -> (ServiceRuntime, Task<Void, Error>)? {
        lock.withLock {
            defer { value = nil }
            return value
        }
    }
    var current: (ServiceRuntime, Task<Void, Error>)? { lock.withLock { value } }
}

extension [KafkaConsumedMessage] {
    func results(for commandID: String) -> [CommandResult] {
        filter { $0.header(Envelope.Header.subject) == commandID }.compactMap(\.commandResult)
    }
}
