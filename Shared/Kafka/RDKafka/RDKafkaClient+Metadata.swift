import CRdKafka

/// Cluster metadata and watermarks, asked of the broker (blocking) or read from librdkafka's cache.
extension RDKafkaClient {
    /// Asks the cluster for its broker list: a cheap reachability probe.
    func brokersReachable(timeoutMilliseconds: Int32) -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 0, nil, &metadata, timeoutMilliseconds)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        return error == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Number of partitions of a topic, from cluster metadata.
    func partitionCount(topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int32 {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError(.metadata, "cannot open topic '\(topic)'")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMilliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(.metadata, error, context: "metadata of '\(topic)'")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1, let topicMetadata = metadata.pointee.topics?.pointee,
            topicMetadata.err == RD_KAFKA_RESP_ERR_NO_ERROR
        else {
            throw KafkaError(.metadata, "topic '\(topic)' does not exist")
        }
        return topicMetadata.partition_cnt
    }

    /// Low and high watermark (next offset to be written) of a partition, asked of the broker.
    func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let error = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.metadata, error, context: "watermarks of \(partition)")
        }
        return (low, high)
    }

    /// High watermark as last seen in fetch responses, without a request; nil when not known yet.
    func cachedHighWatermark(of partition: TopicPartition) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        let error = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        return error == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
    }

    /// Whether the broker knows every one of these topics now, by a metadata request per topic.
    func topicsExist(_ topics: [String], timeoutMilliseconds: Int32) -> Bool {
        topics.allSatisfy { ((try? partitionCount(topic: $0, timeoutMilliseconds: timeoutMilliseconds)) ?? 0) > 0 }
    }
}
