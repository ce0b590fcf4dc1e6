import CRdKafka

/// librdkafka's error codes as the rest of the module needs them: described in librdkafka's own
/// words, and the few codes the public types match on, as plain numbers.
enum RDKafkaError {
    /// librdkafka gave up on a record after the producer's `message.timeout.ms`.
    static let messageTimedOut = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue
    /// The producer's local queue is full.
    static let queueFull = RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue
    /// Refusals of one record that sending it again cannot change: too large for the producer or
    /// the broker, malformed, for a topic that is not valid or not allowed to this client. Errors of
    /// the whole producer (fatal, fenced, cluster authorization) and of the moment (timeouts, unknown
    /// topic or partition, leaders moving) are not among them.
    static let permanentRecordRefusals = Set(
        [
            RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
            RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP,
            RD_KAFKA_RESP_ERR_INVALID_RECORD,
        ].map(\.rawValue)
    )

    /// The code of an error object librdkafka returned (nil: none), which it frees.
    static func code(taking error: OpaquePointer?) -> rd_kafka_resp_err_t {
        guard let error else { return RD_KAFKA_RESP_ERR_NO_ERROR }
        defer { rd_kafka_error_destroy(error) }
        return rd_kafka_error_code(error)
    }

    static func describe(_ error: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(error))
    }
}

extension KafkaError {
    /// A failure librdkafka reported with this code, described in its words (after `context`, when given).
    init(_ code: Code, _ error: rd_kafka_resp_err_t, context: String? = nil) {
        let description = RDKafkaError.describe(error)
        self.init(code, context.map { "\($0): \(description)" } ?? description, rdKafkaError: error.rawValue)
    }
}
