import CRdKafka

/// Conversions between `rd_kafka_topic_partition_list_t` and Swift values.
enum RDKafkaPartitionList {
    static func partitions(in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        guard let list, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map {
            TopicPartition(topic: String(cString: elements[$0].topic), partition: elements[$0].partition)
        }
    }

    static func setOffsets(in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, offsets: [TopicPartition: Int64], default fallback: Int64) {
        guard let list, let elements = list.pointee.elems else { return }
        for index in 0..<Int(list.pointee.cnt) {
            let partition = TopicPartition(topic: String(cString: elements[index].topic), partition: elements[index].partition)
            elements[index].offset = offsets[partition] ?? fallback
        }
    }

    /// A new list holding these partitions at these offsets; the caller destroys it.
    static func make(_ offsets: [TopicPartition: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        for (partition, offset) in offsets {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            element.pointee.offset = offset
        }
        return list
    }
}
