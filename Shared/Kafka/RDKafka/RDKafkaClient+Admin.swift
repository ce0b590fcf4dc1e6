import CRdKafka

/// The admin calls: topic creation through a result queue of its own.
extension RDKafkaClient {
    /// Creates these topics, waiting up to `timeoutMilliseconds` for the broker (and a second
    /// more for its answer); a topic that already exists is not a failure.
    func createTopics(_ topics: [TopicSpecification], timeoutMilliseconds: Int32) throws(KafkaError) {
        var reason = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for topic in topics {
            guard let newTopic = rd_kafka_NewTopic_new(topic.name, topic.partitions, topic.replicationFactor, &reason, reason.count) else {
                throw KafkaError(.admin, "topic '\(topic.name)': \(String(cString: reason))")
            }
            newTopics.append(newTopic)
        }
        let resultQueue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(resultQueue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &reason, reason.count)
        rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, resultQueue)

        guard let event = rd_kafka_queue_poll(resultQueue, timeoutMilliseconds + 1_000) else {
            throw KafkaError(.admin, "no answer to CreateTopics within \(timeoutMilliseconds) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        let overall = rd_kafka_event_error(event)
        guard overall == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.admin, "CreateTopics: \(String(cString: rd_kafka_event_error_string(event)))", rdKafkaError: overall.rawValue)
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count) else { return }
        var failures: [String] = []
        for index in 0..<count {
            let error = rd_kafka_topic_result_error(results[index])
            if error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                let name = String(cString: rd_kafka_topic_result_name(results[index]))
                let message = rd_kafka_topic_result_error_string(results[index]).map { String(cString: $0) } ?? RDKafkaError.describe(error)
                failures.append("\(name): \(message)")
            }
        }
        if !failures.isEmpty {
            throw KafkaError(.admin, "could not create topics: \(failures.joined(separator: "; "))")
        }
    }
}
