import CRdKafka

/// The consumer's calls: group subscription, manual assignment, polling and closing. Polling and
/// closing block; ``KafkaConsumer`` runs them on its serial queue.
extension RDKafkaClient {
    /// Joins the consumer group for these topics; partitions arrive through rebalances.
    func subscribe(topics: [String]) throws(KafkaError) {
        let topics = topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), Int64?.none) }
        let error = RDKafkaPartitionList.withList(topics) { rd_kafka_subscribe(handle, $0) }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.subscription, error)
        }
    }

    /// Reads these partitions from these offsets, without a consumer group.
    func assign(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        let error = RDKafkaPartitionList.withList(offsets.map { ($0.key, $0.value) }) { rd_kafka_assign(handle, $0) }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.assignment, error)
        }
    }

    /// Adds these partitions, from these offsets, to a manual assignment, leaving the others as they are.
    func incrementalAssign(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let error = RDKafkaPartitionList.withList(offsets.map { ($0.key, $0.value) }) { list in
            RDKafkaError.code(taking: rd_kafka_incremental_assign(handle, list))
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(.assignment, error) }
    }

    /// Takes these partitions out of a manual assignment, leaving the others as they are.
    func incrementalUnassign(_ partitions: [TopicPartition]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let error = RDKafkaPartitionList.withList(partitions.map { ($0, Int64?.none) }) { list in
            RDKafkaError.code(taking: rd_kafka_incremental_unassign(handle, list))
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(.assignment, error) }
    }

    /// Waits up to `timeoutMilliseconds` for a first message, then takes whatever else is ready, up
    /// to `maxMessages`, with the ends of partitions reached among them (only reported when
    /// `enable.partition.eof` is set). Consume errors are logged, not thrown; ``RDKafkaCallbacks``
    /// notes the ones that mean a topic or partition is gone.
    func consumerPoll(maxMessages: Int, timeoutMilliseconds: Int32) -> KafkaPoll {
        var poll = KafkaPoll(messages: [], ends: [])
        var wait = timeoutMilliseconds
        while poll.messages.count < maxMessages, let message = rd_kafka_consumer_poll(handle, wait) {
            wait = 0
            defer { rd_kafka_message_destroy(message) }
            let error = message.pointee.err
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                poll.messages.append(RDKafkaMessage.copy(message))
            } else if error == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                if let topic = message.pointee.rkt {
                    let partition = TopicPartition(topic: String(cString: rd_kafka_topic_name(topic)), partition: message.pointee.partition)
                    poll.ends.append(PartitionEnd(partition: partition, offset: message.pointee.offset))
                }
            } else {
                callbacks.noteError(error)
                callbacks.logger.warning("consume error", metadata: ["kafka.error": "\(RDKafkaError.describe(error))"])
            }
        }
        return poll
    }

    /// Leaves the consumer group (revoking partitions) and stops fetching.
    func consumerClose() {
        rd_kafka_consumer_close(handle)
    }
}
