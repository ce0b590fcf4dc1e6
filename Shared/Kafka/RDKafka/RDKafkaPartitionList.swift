import CRdKafka

/// Conversions between `rd_kafka_topic_partition_list_t` and Swift values.
enum RDKafkaPartitionList {
    static func partitions(in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        guard let list, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map {
            TopicPartition(topic: String(cString: elements[$0].topic), partition: elements[$0].partition)
        }
    }

    static func setOffsets(in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, offsets: [TopicPartition: Int64], default fallback: Int64)
    {
        guard let list, let elements = list.pointee.elems else { return }
        for index in 0..<Int(list.pointee.cnt) {
            let partition = TopicPartition(topic: String(cString: elements[index].topic), partition: elements[index].partition)
            elements[index].offset = offsets[partition] ?? fallback
        }
    }

    /// Runs `body` with a new list of these partitions, destroyed when it returns. A partition
    /// without an offset is added without one (a subscription takes topics only).
    static func withList<Result>(
        _ entries: [(partition: TopicPartition, offset: Int64?)],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Result
    ) -> Result {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            if let offset { element.pointee.offset = offset }
        }
        return body(list)
    }
}
