/// Headers of a dead-letter entry, added to what it keeps of the original record's own.
public enum DeadLetterHeader {
    public static let errorCode = "dlq_error_code"
    public static let errorMessage = "dlq_error_message"
    public static let originalTopic = "dlq_original_topic"
    public static let originalPartition = "dlq_original_partition"
    public static let originalOffset = "dlq_original_offset"
    public static let service = "dlq_service"
    /// Size in bytes of the whole original value; the entry keeps at most a bounded prefix of it.
    public static let originalSize = "dlq_original_size"
    /// Lower-case hex SHA-256 of the whole original value; absent when the value was dropped.
    public static let originalSHA256 = "dlq_original_sha256"
    /// Present (`secret-bearing type`) when the entry keeps none of the original value, because the
    /// record's `ce_type` names a command that carries secret values or a one-time token.
    public static let valueDropped = "dlq_value_dropped"

    /// Commands whose payload holds a secret value or a one-time token: their dead letters keep no
    /// part of the value, not even its digest.
    public static let secretBearingTypes: Set<MessageType> = [
        CreateIntegration.messageType, UpdateIntegration.messageType, AcceptInvitation.messageType, RegisterStepRunner.messageType,
    ]
    /// How many of the original record's headers were left out for their size; absent when none
    /// was. (The `authorization` header is always left out, and not counted.)
    public static let headersDropped = "dlq_headers_dropped"

    /// `dlq_error_code` of a record the service itself could not publish: one the producer or the
    /// broker refused for good, which the service parked (kept in its database, out of the send path).
    public static let undeliverable = "undeliverable"
}
