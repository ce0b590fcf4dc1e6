/// Headers a dead-letter entry adds to the original record's.
public enum DeadLetterHeader {
    public static let errorCode = "dlq_error_code"
    public static let errorMessage = "dlq_error_message"
    public static let originalTopic = "dlq_original_topic"
    public static let originalPartition = "dlq_original_partition"
    public static let originalOffset = "dlq_original_offset"
    public static let service = "dlq_service"
}
