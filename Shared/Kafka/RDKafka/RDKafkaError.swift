import CRdKafka

/// librdkafka's error codes as the rest of the module needs them: described in librdkafka's own
/// words, and the few codes the public types match on, as plain numbers.
enum RDKafkaError {
    /// librdkafka gave up on a record after the producer's `message.timeout.ms`.
    static let messageTimedOut = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue
    /// The producer's local queue is full.
    static let queueFull = RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue

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
