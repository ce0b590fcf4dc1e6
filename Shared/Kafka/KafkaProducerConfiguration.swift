/// Settings of a ``KafkaProducer``, turned into librdkafka properties in one place.
public struct KafkaProducerConfiguration: Sendable {
    public var connection: KafkaConnection
    /// Exactly-once delivery per partition, in order, despite retries. Default: `true`.
    public var idempotence: Bool = true
    /// How long to wait for more records before sending a batch. Default: 2 ms.
    public var lingerMilliseconds: Int = 2
    /// How long librdkafka keeps trying to deliver a record before failing it. Default: 120000 ms.
    public var messageTimeoutMilliseconds: Int = 120_000
    /// Largest record the producer sends, key, value and headers with their framing, in bytes
    /// (librdkafka's `message.max.bytes`); a larger one is refused at once with a permanent error
    /// (``KafkaError/isPermanentRecordRefusal``). Default: 1000000.
    public var maxMessageBytes: Int = 1_000_000
    /// Partitioner; `murmur2_random` places keys as the Java client does. Default: `murmur2_random`.
    public var partitioner: String = "murmur2_random"

    public init(connection: KafkaConnection) {
        self.connection = connection
    }

    var librdkafkaProperties: [String: String] {
        connection.librdkafkaProperties.merging([
            "enable.idempotence": idempotence ? "true" : "false",
            "linger.ms": String(lingerMilliseconds),
            "message.timeout.ms": String(messageTimeoutMilliseconds),
            "message.max.bytes": String(maxMessageBytes),
            "partitioner": partitioner,
        ]) { _, typed in typed }
    }
}
