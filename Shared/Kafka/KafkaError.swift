/// A failure reported by the Kafka client, with a stable ``Code`` to match on and a reason for people.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What kind of operation failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }

        public static let configuration = Code(name: "configuration")
        public static let clientCreation = Code(name: "client_creation")
        public static let produce = Code(name: "produce")
        public static let delivery = Code(name: "delivery")
        public static let subscription = Code(name: "subscription")
        public static let assignment = Code(name: "assignment")
        public static let seek = Code(name: "seek")
        public static let admin = Code(name: "admin")
        public static let metadata = Code(name: "metadata")
        public static let closed = Code(name: "closed")
    }

    public let code: Code
    public let reason: String
    /// librdkafka's error code, when the failure came from librdkafka.
    public let rdKafkaError: Int32?

    public init(_ code: Code, _ reason: String, rdKafkaError: Int32? = nil) {
        self.code = code
        self.reason = reason
        self.rdKafkaError = rdKafkaError
    }

    public var description: String { "Kafka \(code): \(reason)" }

    /// A record that was not acknowledged within the producer's `message.timeout.ms`.
    public var isMessageTimeout: Bool { code == .delivery && rdKafkaError == RDKafkaError.messageTimedOut }

    /// The record was refused for good, by librdkafka before sending (larger than the producer's
    /// `message.max.bytes`) or by the broker (too large for the topic, an invalid record, a topic this
    /// client may not write): sending the same record again cannot succeed.
    public var isPermanentRecordRefusal: Bool {
        (code == .produce || code == .delivery) && rdKafkaError.map(RDKafkaError.permanentRecordRefusals.contains) == true
    }

    /// librdkafka's local queue was full: the record may be enqueued again once deliveries drain it.
    var isQueueFull: Bool { rdKafkaError == RDKafkaError.queueFull }
}

extension Duration {
    /// Whole milliseconds, as librdkafka's timeouts take them.
    var milliseconds: Int32 {
        Int32(clamping: components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
