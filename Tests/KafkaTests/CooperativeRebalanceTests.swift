import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

/// Two members of one group under cooperative-sticky assignment, against Tansu: when
/// the second joins, the first gives up only the partitions that move, each only after it was told
/// (`beforeRevoke`, where a service finishes the batch it is writing), and keeps the others without
/// a pause.
@Suite("Kafka group: cooperative rebalancing", .timeLimit(.minutes(3)))
struct CooperativeRebalanceTests {
    let logger = Logger(label: "test.kafka")

    @Test func aJoiningMemberTakesOnlyThePartitionsThatMove() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: logger
        )
        defer { producer.close() }
        try producer.createTopicsIfMissing([TopicSpecification(name: "coop", partitions: 4)])

        var configuration = KafkaConsumerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers), groupID: "coop-group")
        configuration.sessionTimeoutMilliseconds = 6_000
        configuration.heartbeatIntervalMilliseconds = 500
        configuration.assignmentStrategy = "cooperative-sticky"
        let revokedFromFirst = Mutex<[TopicPartition]>([])
        let first = try KafkaConsumer(
            configuration: configuration,
            logger: logger,
            beforeRevoke: { partitions in
                revokedFromFirst.withLock { $0 += partitions }
            }
        )
        try first.subscribe(topics: ["coop"])
        try await Wait.until("the first member has every partition", timeout: .seconds(60)) {
            _ = try await first.poll(maxMessages: 10, timeout: .milliseconds(100))
            return first.assignment.count == 4
        }
        let before = first.numberedAssignment

        let second = try KafkaConsumer(configuration: configuration, logger: logger)
        try second.subscribe(topics: ["coop"])
        try await Wait.until("the partitions are shared", timeout: .seconds(90)) {
            _ = try await first.poll(maxMessages: 10, timeout: .milliseconds(100))
            _ = try await second.poll(maxMessages: 10, timeout: .milliseconds(100))
            return first.assignment.count == 2 && second.assignment.count == 2
        }
        #expect(first.assignment.isDisjoint(with: second.assignment))
        #expect(Set(revokedFromFirst.withLock { $0 }) == second.assignment, "only what moved was revoked, each told first")
        for (partition, number) in first.numberedAssignment {
            #expect(before[partition] == number, "\(partition) stayed assigned all along")
        }
        await second.close()
        await first.close()
    }
}
