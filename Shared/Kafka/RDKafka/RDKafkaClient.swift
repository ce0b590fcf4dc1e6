import CRdKafka
import Logging
import Synchronization

/// Owns one `rd_kafka_t` handle and the callback box librdkafka points back to; frees both in `deinit`.
///
/// The public types call its methods (consumer, producer, admin and metadata calls, one extension
/// each) and never the C library: every librdkafka call lives in this folder.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind { case producer, consumer }

    let handle: OpaquePointer
    let callbacks: RDKafkaCallbacks
    private let abandoned = Atomic(false)

    init(kind: Kind, properties: [String: String], callbacks: RDKafkaCallbacks) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(properties)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        RDKafkaCallbacks.install(on: conf, kind: kind)
        var reason = [CChar](repeating: 0, count: 512)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(.clientCreation, String(cString: reason))
        }
        self.handle = handle
        self.callbacks = callbacks
        if kind == .consumer {
            // One queue for messages and callbacks: each consumer poll also serves rebalances, logs and errors.
            rd_kafka_poll_set_consumer(handle)
        }
    }

    /// Marks a consumer client as given up on: it is destroyed without closing the consumer (no
    /// group leave, no final rebalance), which could wait on the state it was given up for.
    func abandon() {
        abandoned.store(true, ordering: .relaxed)
    }

    deinit {
        rd_kafka_destroy_flags(handle, abandoned.load(ordering: .relaxed) ? Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE) : 0)
    }
}
