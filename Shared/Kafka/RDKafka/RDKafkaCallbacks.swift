import CRdKafka
import Logging
import Synchronization

/// What librdkafka calls back into: logs, errors, delivery reports and rebalances.
///
/// librdkafka holds an unretained pointer to this object; ``RDKafkaClient`` keeps it alive.
final class RDKafkaCallbacks: Sendable {
    let logger: Logger
    /// Called on rebalance with the newly assigned partitions; returns where to start each one.
    let startOffsets: (@Sendable ([TopicPartition]) throws -> [TopicPartition: Int64])?
    /// Called on rebalance with the partitions about to be revoked, before they are.
    let beforeRevoke: (@Sendable ([TopicPartition]) -> Void)?
    private let state = Mutex(State())

    /// Numbers every assignment of a partition, across clients, so a partition taken away and given
    /// back is told apart from one kept.
    private static let assignments = Atomic<UInt64>(0)

    private struct State {
        /// Each assigned partition with the number of its assignment.
        var assigned: [TopicPartition: UInt64] = [:]
        var assignment: Set<TopicPartition> { Set(assigned.keys) }
        var fatalError: KafkaError?
        var allBrokersDown = false
        /// Every partition was taken away, or a topic was unknown to the broker.
        var lostPartitions = false
        /// Whether the group's rebalance protocol was COOPERATIVE when last asked.
        var cooperative = false
        /// The topics read alongside the group's by partition number, and the client that reads them.
        var followers: (topics: [String], client: RDKafkaClient)?

        /// The partitions of the followed topics with the numbers of `partitions`.
        func followed(_ partitions: [TopicPartition]) -> [TopicPartition] {
            guard let followers else { return [] }
            return partitions.flatMap { partition in followers.topics.map { TopicPartition(topic: $0, partition: partition.partition) } }
        }

        mutating func unassign(_ partitions: [TopicPartition]?) {
            let had = !assigned.isEmpty
            if let partitions {
                for partition in partitions { assigned[partition] = nil }
            } else {
                assigned = [:]
            }
            if had && assigned.isEmpty { lostPartitions = true }
        }
    }

    /// Errors meaning the broker does not know a topic or partition the client uses.
    static let topicGone: [rd_kafka_resp_err_t] = [
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_ID,
    ]

    init(
        logger: Logger,
        startOffsets: (@Sendable ([TopicPartition]) throws -> [TopicPartition: Int64])? = nil,
        beforeRevoke: (@Sendable ([TopicPartition]) -> Void)? = nil
    ) {
        self.logger = logger
        self.startOffsets = startOffsets
        self.beforeRevoke = beforeRevoke
    }

    var assignment: Set<TopicPartition> { state.withLock { $0.assignment } }
    var numberedAssignment: [TopicPartition: UInt64] { state.withLock { $0.assigned } }
    var fatalError: KafkaError? { state.withLock { $0.fatalError } }
    var allBrokersDown: Bool { state.withLock { $0.allBrokersDown } }
    /// Whether the consumer lost every partition it had, or librdkafka reported a topic or
    /// partition unknown to the broker.
    var lostPartitions: Bool { state.withLock { $0.lostPartitions } }

    /// Has `client` read `topics` alongside the group: each partition number the group assigns or
    /// revokes of the subscribed topic is assigned or revoked of these too, under the same number.
    func follow(_ topics: [String], with client: RDKafkaClient) {
        state.withLock { $0.followers = (topics, client) }
    }

    func noteError(_ error: rd_kafka_resp_err_t) {
        if Self.topicGone.contains(error) { state.withLock { $0.lostPartitions = true } }
    }

    func brokersAnswered() {
        state.withLock { $0.allBrokersDown = false }
    }

    static func install(on conf: OpaquePointer, kind: RDKafkaClient.Kind) {
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, message in
            guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
            let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            callbacks.log(level: level, facility: facility.map { String(cString: $0) } ?? "", message: message.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_error_cb(conf) { handle, error, reason, opaque in
            guard let opaque else { return }
            let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            callbacks.error(handle: handle, code: error, reason: reason.map { String(cString: $0) } ?? "")
        }
        switch kind {
        case .producer:
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message, let ticket = message.pointee._private else { return }
                let result: Result<DeliveryReport, KafkaError>
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
                    result = .success(DeliveryReport(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
                } else {
                    result = .failure(KafkaError(.delivery, message.pointee.err))
                }
                Unmanaged<DeliveryTicket>.fromOpaque(ticket).takeRetainedValue().complete(result)
            }
        case .consumer:
            rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, opaque in
                guard let handle, let opaque else { return }
                let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                callbacks.rebalance(handle: handle, error: error, partitions: partitions)
            }
        }
    }

    private func log(level: Int32, facility: String, message: String) {
        let swiftLevel: Logger.Level =
            switch level {
            case 0...3: .error
            case 4: .warning
            case 5, 6: .info
            default: .debug
            }
        logger.log(level: swiftLevel, "\(message)", metadata: ["kafka.facility": "\(facility)"])
    }

    private func error(handle: OpaquePointer?, code: Int32, reason: String) {
        let error = rd_kafka_resp_err_t(code)
        noteError(error)
        if error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN {
            state.withLock { $0.allBrokersDown = true }
        }
        if error == RD_KAFKA_RESP_ERR__FATAL, let handle {
            var buffer = [CChar](repeating: 0, count: 512)
            let underlying = rd_kafka_fatal_error(handle, &buffer, buffer.count)
            let fatal = KafkaError(.closed, "fatal: \(String(cString: buffer))", rdKafkaError: underlying.rawValue)
            state.withLock { $0.fatalError = fatal }
            logger.critical("librdkafka fatal error", metadata: ["kafka.error": "\(fatal.reason)"])
            return
        }
        logger.warning("librdkafka error", metadata: ["kafka.error": "\(reason)", "kafka.code": "\(RDKafkaError.describe(error))"])
    }

    private func rebalance(handle: OpaquePointer, error: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        // NULL while the consumer closes (its group's queue is gone): the protocol last seen holds.
        let name = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) }
        let cooperative = state.withLock { state in
            if let name { state.cooperative = name == "COOPERATIVE" }
            return state.cooperative
        }
        let list = RDKafkaPartitionList.partitions(in: partitions)
        let (followed, follower) = state.withLock { ($0.followed(list), $0.followers?.client) }
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            do {
                let offsets = try startOffsets?(list + followed) ?? [:]
                RDKafkaPartitionList.setOffsets(in: partitions, offsets: offsets, default: Int64(RD_KAFKA_OFFSET_BEGINNING))
                let assignError =
                    cooperative
                    ? RDKafkaError.code(taking: rd_kafka_incremental_assign(handle, partitions))
                    : rd_kafka_assign(handle, partitions)
                guard assignError == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(.assignment, assignError)
                }
                try follower?.incrementalAssign(
                    Dictionary(uniqueKeysWithValues: followed.map { ($0, offsets[$0] ?? Int64(RD_KAFKA_OFFSET_BEGINNING)) })
                )
                state.withLock { state in
                    for partition in list {
                        let number = Self.assignments.wrappingAdd(1, ordering: .relaxed).newValue
                        for input in [partition] + state.followed([partition]) { state.assigned[input] = number }
                    }
                }
                logger.info(
                    "partitions assigned",
                    metadata: [
                        "kafka.partitions": "\((list + followed).map(\.description).sorted())", "kafka.start_offsets": "\(offsets.count) stored",
                    ]
                )
            } catch {
                // Without stored offsets the consumer would re-read from the start: stop instead.
                let failure = KafkaError(.assignment, "cannot resume partitions: \(error)")
                state.withLock { $0.fatalError = failure }
                logger.critical("partition assignment failed", metadata: ["kafka.error": "\(error)"])
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            beforeRevoke?(list + followed)
            unassignFollowed(followed, from: follower)
            if cooperative {
                _ = RDKafkaError.code(taking: rd_kafka_incremental_unassign(handle, partitions))
                state.withLock { $0.unassign(list + followed) }
            } else {
                rd_kafka_assign(handle, nil)
                state.withLock { $0.unassign(nil) }
            }
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\((list + followed).map(\.description).sorted())"])
        default:
            logger.error("rebalance error", metadata: ["kafka.error": "\(RDKafkaError.describe(error))"])
            rd_kafka_assign(handle, nil)
            try? follower?.assign([:])
            state.withLock { $0.unassign(nil) }
        }
    }

    /// A followed partition that cannot be taken out of the follower's assignment would go on being
    /// read under no assignment number, and its records would be left out of every batch: stop instead.
    private func unassignFollowed(_ followed: [TopicPartition], from follower: RDKafkaClient?) {
        do {
            try follower?.incrementalUnassign(followed)
        } catch {
            state.withLock { $0.fatalError = KafkaError(.assignment, "cannot stop reading followed partitions: \(error)") }
            logger.critical("followed partitions could not be revoked", metadata: ["kafka.error": "\(error)"])
        }
    }
}
