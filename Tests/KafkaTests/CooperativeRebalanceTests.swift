import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

/// Two members of one group under cooperative-sticky assignment, against Tansu, each reading tasks
/// of two topics (the group spreads the first's partitions; each member reads the same numbers of
/// the second): when the second joins, the first gives up only the tasks that move, each only
/// after it was told (`beforeRevoke`, where a service finishes the batch it is writing), and keeps
/// the others without a pause; every task stays whole, and a record of the followed topic reaches
/// the member that owns its number.
@Suite("Kafka group: cooperative rebalancing", .timeLimit(.minutes(3)))
struct CooperativeRebalanceTests {
    let logger = Logger(label: "test.kafka")

    /// The partition numbers of `assignment`, when every one holds both topics; nil when a task is split.
    func tasks(_ assignment: Set<TopicPartition>) -> Set<Int32>? {
        let numbers = Set(assignment.map(\.partition))
        let whole = numbers.allSatisfy { number in
            ["coop", "coop.followed"].allSatisfy { assignment.contains(TopicPartition(topic: $0, partition: number)) }
        }
        return whole && assignment.count == numbers.count * 2 ? numbers : nil
    }

    @Test func aJoiningMemberTakesOnlyTheTasksThatMoveEachWhole() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: logger
        )
        defer { producer.close() }
        try producer.createTopicsIfMissing([
            TopicSpecification(name: "coop", partitions: 4), TopicSpecification(name: "coop.followed", partitions: 4),
        ])

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
        try first.subscribe(topics: ["coop", "coop.followed"])
        try await Wait.until("the first member has every task", timeout: .seconds(60)) {
            _ = try await first.poll(maxMessages: 10, timeout: .milliseconds(100))
            return tasks(first.assignment) == [0, 1, 2, 3]
        }
        let before = first.numberedAssignment

        let second = try KafkaConsumer(configuration: configuration, logger: logger)
        try second.subscribe(topics: ["coop", "coop.followed"])
        var read: [String: [KafkaConsumedMessage]] = [:]
        try await Wait.until("the tasks are shared, each whole", timeout: .seconds(90)) {
            read["first", default: []] += try await first.poll(maxMessages: 10, timeout: .milliseconds(100))
            read["second", default: []] += try await second.poll(maxMessages: 10, timeout: .milliseconds(100))
            return tasks(first.assignment)?.count == 2 && tasks(second.assignment)?.count == 2
        }
        #expect(first.assignment.isDisjoint(with: second.assignment))
        #expect(Set(revokedFromFirst.withLock { $0 }) == second.assignment, "only what moved was revoked, each told first")
        for (partition, number) in first.numberedAssignment {
            #expect(before[partition] == number, "\(partition) stayed assigned all along")
        }
        #expect(
            Set(second.numberedAssignment.filter { $0.key.topic == "coop" }.map { "\($0.key.partition):\($0.value)" })
                == Set(second.numberedAssignment.filter { $0.key.topic == "coop.followed" }.map { "\($0.key.partition):\($0.value)" }),
            "a followed partition is numbered as its task"
        )

        // One record on every partition of the followed topic: each is read by its task's owner.
        for partition in Int32(0)..<4 {
            _ = try await producer.send(KafkaRecord(topic: "coop.followed", partition: partition, key: nil, value: Data("p\(partition)".utf8)))
        }
        try await Wait.until("each followed record is read by its task's owner", timeout: .seconds(30)) {
            read["first", default: []] += try await first.poll(maxMessages: 10, timeout: .milliseconds(100))
            read["second", default: []] += try await second.poll(maxMessages: 10, timeout: .milliseconds(100))
            return read.values.map(\.count).reduce(0, +) == 4
        }
        for (member, consumer) in [("first", first), ("second", second)] {
            #expect(Set(read[member, default: []].map(\.topicPartition)) == consumer.assignment.filter { $0.topic == "coop.followed" })
        }
        await second.close()
        await first.close()
    }
}
