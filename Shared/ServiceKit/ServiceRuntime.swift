import Foundation
import Hashing
import Hummingbird
import Kafka
import Logging
import Metrics
import Models
import Pipeline
import Prometheus
import Sealing
import ServiceLifecycle

/// One service, wired: store, producer, consumer loop, outbox relay and two HTTP sides (signed
/// tenant reads on one port, health and metrics on the ops port) in a `ServiceGroup`. `main` and the tests build
/// it the same way, through ``build(_:options:logger:registry:)``.
public struct ServiceRuntime: Sendable {
    public let group: ServiceGroup
    public let store: ServiceStore
    public let producer: KafkaProducer
    public let topics: PipelineTopics
    /// Port of the read side: tenant queries and key routes.
    public let httpPort: Int
    /// Port of the ops side: health and metrics.
    public let opsPort: Int

    public static func build(
        _ definition: ServiceDefinition,
        options: ServiceOptions,
        logger: Logger,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        tracing: (any Service)? = nil
    ) async throws -> ServiceRuntime {
        let topics = definition.topics(Topics(prefix: options.topicPrefix))
        let databasePath = options.database ?? "data/\(definition.name).sqlite"
        let store = try ServiceStore(path: databasePath, migrations: definition.migrations)
        var connection = try options.connection
        connection.clientID = "tenancy-\(definition.name)"

        let recordLimits = RecordLimits(maxPayloadBytes: options.maxPayloadBytes, deadLetterValueBytes: options.deadLetterValueBytes)
        let producerConfiguration = {
            var configuration = KafkaProducerConfiguration(connection: connection)
            // The outbox keeps what was not acknowledged and sends it again, so a record need not wait long.
            configuration.messageTimeoutMilliseconds = 30_000
            // Whatever the service queues fits: events and results of the payloads it accepts, bounded dead letters.
            configuration.maxMessageBytes = recordLimits.maxRecordBytes
            return configuration
        }()
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        try await createTopics(topics.all, options: options, producer: producer, logger: logger)
        let counts = try Dictionary(uniqueKeysWithValues: topics.consumed.map { ($0, try producer.partitionCount(of: $0)) })
        if let refusal = CoPartitioning.refusal(counts: counts, expected: options.partitions) { throw StartupRefusal(refusal) }

        let operators = try options.operators()
        if operators.keys.isEmpty {
            logger.warning("no operators configured (--operators-file): operator commands and reads will be refused")
        }
        let authenticator = Authenticator(
            keys: try options.serviceKeys(for: definition.name),
            operators: operators,
            window: options.signatureWindowSeconds
        )
        let environment = ServiceEnvironment(
            store: store,
            authenticator: authenticator,
            secretsKey: try options.secretsKey(),
            invitationKey: try options.invitationKey()
        )
        let handler = try definition.makeHandler(environment)
        var metricsFactory = PrometheusMetricsFactory(registry: registry)
        metricsFactory.defaultDurationHistogramBuckets = PipelineMetrics.durationBuckets
        let metrics = PipelineMetrics(factory: metricsFactory, knownTypes: handler.commands.types.union(handler.events.types))
        let freshness = try definition.credentialSource.map { source in
            let topic = source(Topics(prefix: options.topicPrefix))
            guard topics.replicated.contains(topic) else {
                throw StartupRefusal("\(definition.name) checks credentials against a replica of \(topic), which it does not replicate")
            }
            return ReplicaFreshnessGate(
                topic: topic,
                sourceName: "Lifecycle's events",
                maxLagSeconds: options.maxReplicaLagSeconds,
                factory: metricsFactory,
                logger: logger
            )
        }
        let eventTag = try EventTag(keys: authenticator.keys)
        let processor = BatchProcessor(
            store: store,
            handler: handler,
            topics: topics,
            source: definition.source,
            eventTag: eventTag,
            limits: EnvelopeLimits(maxPayloadBytes: options.maxPayloadBytes),
            logger: logger,
            metrics: metrics,
            inboxRetention: options.inboxRetentionDays * 86_400,
            deadLetterValueBytes: options.deadLetterValueBytes,
            // Freshness first: a command the service cannot check now takes no token from its key.
            gates: (freshness.map { [$0] } ?? []) + [RateLimitGate(options.rateLimits, metrics: metrics)],
            partitions: options.partitions
        )
        let relay = OutboxRelay(
            store: store,
            producer: producer,
            makeProducer: { try KafkaProducer(configuration: producerConfiguration, logger: logger) },
            logger: logger,
            metrics: metrics,
            deadLetters: DeadLetters(topic: topics.deadLetter, service: definition.source, valueBytes: options.deadLetterValueBytes)
        )

        let replicaReader =
            try topics.replicated.isEmpty
            ? nil
            : ReplicaReader(
                consumer: KafkaConsumer(configuration: replicaConsumerConfiguration(connection: connection, options: options), logger: logger),
                topics: topics.replicated,
                processor: ReplicaProcessor(
                    store: store,
                    handler: handler,
                    eventTag: eventTag,
                    limits: EnvelopeLimits(maxPayloadBytes: options.maxPayloadBytes),
                    logger: logger
                ),
                store: store,
                progress: ReplicaProgress(),
                freshness: freshness,
                logger: logger,
                maxBatch: options.maxBatch
            )

        var consumerConfiguration = KafkaConsumerConfiguration(
            connection: connection,
            groupID: options.groupID ?? "\(options.topicPrefix)-\(definition.name)"
        )
        consumerConfiguration.groupInstanceID = options.instanceID
        consumerConfiguration.assignmentStrategy = options.assignmentStrategy
        consumerConfiguration.sessionTimeoutMilliseconds = options.sessionTimeoutMs
        consumerConfiguration.heartbeatIntervalMilliseconds = options.heartbeatIntervalMs
        consumerConfiguration.fetchWaitMaxMilliseconds = options.fetchWaitMs
        let inFlight = BatchInFlight()
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration,
            logger: logger,
            startOffsets: { partitions in try store.storedOffsets(for: partitions) },
            // Revoked partitions are drained: the batch being written commits before they go.
            beforeRevoke: { _ in inFlight.waitUntilIdle(timeout: 30) }
        )
        let consumerService = ConsumerService(
            consumer: consumer,
            topics: topics.consumed,
            processor: processor,
            relay: relay,
            logger: logger,
            metrics: metrics,
            maxBatch: options.maxBatch,
            pollTimeout: .milliseconds(100),
            replica: replicaReader?.progress,
            replicated: topics.replicated,
            inFlight: inFlight,
            topicsExist: { topics in await producer.topicsExist(topics) }
        )

        // Health and metrics on a port of their own, which serves no tenant data: probes and
        // scrapers reach it without reaching the reads.
        let opsRouter = Router()
        HealthRoutes.register(
            on: opsRouter,
            store: store,
            producer: producer,
            consumer: consumer,
            relay: relay,
            freshness: freshness,
            replicas: replicaReader?.progress,
            registry: registry
        )
        TaskRoutes.register(
            on: opsRouter,
            service: definition.name,
            instance: options.instanceID,
            assignmentStrategy: options.assignmentStrategy,
            partitions: options.partitions,
            store: store,
            consumer: consumer,
            replica: replicaReader
        )
        let opsPort = options.opsPort ?? definition.defaultOpsPort
        let ops = Application(router: opsRouter, configuration: .init(address: .hostname(options.opsHost, port: opsPort)), logger: logger)

        let router = Router(context: ReadContext.self)
        try definition.keyRoutes(router, environment)
        let reads = router.group().add(middleware: SignedReads(authenticator: authenticator, reader: store.reader, storedKey: definition.storedKey))
        WhoAmIRoute.register(on: reads)
        definition.routes(reads, store.reader, options.pageLimits)
        let httpPort = options.httpPort ?? definition.defaultHTTPPort
        let http = Application(router: router, configuration: .init(address: .hostname(options.httpHost, port: httpPort)), logger: logger)

        let background = try definition.backgroundServices(
            BackgroundContext(
                store: store,
                topics: topics,
                source: definition.source,
                logger: logger,
                publishEvent: { envelope, key, now, db in try processor.publish(event: envelope, key: key, now: now, db: db) },
                notifyOutbox: { relay.notify() }
            )
        )

        // Listed dependencies first: shutdown runs in reverse, so the consumer stops, then the
        // background work, before the relay drains the outbox; both HTTP sides answer until the end.
        let checkpointer = WALCheckpointer(path: databasePath, logger: logger)
        let probe: [any Service] =
            if let replicaReader, let freshness { [ReplicaProbe(consumer: replicaReader.consumer, gate: freshness, logger: logger)] } else { [] }
        // The replica reader stops after the consumer loop, whose last batch may wait for it.
        let replicas: [any Service] = replicaReader.map { [$0] } ?? []
        // The span exporter first, so that it stops last and sends what the others ended.
        let services: [any Service] =
            (tracing.map { [$0] } ?? []) + [ops, http, checkpointer, relay] + background + probe + replicas + [consumerService]
        let configured = services.map {
            ServiceGroupConfiguration.ServiceConfiguration(
                service: $0,
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(services: configured, logger: logger)
        groupConfiguration.gracefulShutdownSignals = [.sigterm, .sigint]
        let group = ServiceGroup(configuration: groupConfiguration)
        return ServiceRuntime(group: group, store: store, producer: producer, topics: topics, httpPort: httpPort, opsPort: opsPort)
    }

    /// Runs until SIGTERM/SIGINT or a fatal error, then flushes the producer.
    public func run() async throws {
        defer { producer.close() }
        try await group.run()
    }

    /// The replica reader's consumer: no group, every partition assigned; it reports partition ends,
    /// by which it knows it has caught up and how far behind it may be.
    private static func replicaConsumerConfiguration(connection: KafkaConnection, options: ServiceOptions) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(connection: connection)
        configuration.fetchWaitMaxMilliseconds = options.fetchWaitMs
        configuration.reportsPartitionEnds = true
        // Reference data is small events; after the bootstrap it trickles. Less fetched ahead is less resident.
        configuration.prefetchKilobytes = 4_096
        return configuration
    }

    private static func createTopics(_ names: [String], options: ServiceOptions, producer: KafkaProducer, logger: Logger) async throws {
        let specifications = names.map { TopicSpecification(name: $0, partitions: options.partitions, replicationFactor: options.replicationFactor) }
        for attempt in 1...10 {
            let failure: KafkaError
            do {
                try producer.createTopicsIfMissing(specifications)
                return
            } catch {
                failure = error
            }
            if attempt == 10 { throw failure }
            logger.warning("cannot create topics yet; retrying", metadata: ["attempt": "\(attempt)", "error": "\(failure)"])
            try await Task.sleep(for: .seconds(1))
        }
    }
}
