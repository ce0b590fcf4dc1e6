import Foundation
import Logging
import Synchronization

/// An idempotent Kafka producer whose sends complete when the broker has acknowledged them.
///
/// A background thread serves librdkafka's delivery reports. ``close(timeout:)`` flushes what
/// is still queued and stops that thread; the handle is freed when the producer is released.
public final class KafkaProducer: Sendable {
    /// Not private: the admin extension (KafkaAdmin.swift) creates topics through it.
    let client: RDKafkaClient
    private let logger: Logger
    private let stopped = StopFlag()
    private let pollerDone = DispatchSemaphore(value: 0)

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        self.logger = logger
        client = try RDKafkaClient(kind: .producer, properties: configuration.librdkafkaProperties, callbacks: RDKafkaCallbacks(logger: logger))
        let client = self.client
        let stopped = self.stopped
        let pollerDone = self.pollerDone
        let poller = Thread {
            while !stopped.isSet {
                client.poll(timeoutMilliseconds: 100)
            }
            pollerDone.signal()
        }
        poller.name = "kafka-producer-poll"
        poller.start()
    }

    /// Sends one record and waits for the broker's acknowledgement.
    @discardableResult
    public func send(_ record: KafkaRecord) async throws(KafkaError) -> DeliveryReport {
        try await send([record])[0].get()
    }

    /// Sends records in order and waits until each has been acknowledged or has failed.
    /// The results are in the order of `records`.
    public func send(_ records: [KafkaRecord]) async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let batch = DeliveryBatch(count: records.count, continuation: continuation)
            for (index, record) in records.enumerated() {
                enqueue(record, ticket: DeliveryTicket(batch: batch, index: index))
            }
        }
    }

    private func enqueue(_ record: KafkaRecord, ticket: DeliveryTicket) {
        if stopped.isSet {
            ticket.complete(.failure(KafkaError(.closed, "producer is closed")))
            return
        }
        let opaque = Unmanaged.passRetained(ticket).toOpaque()
        while let error = client.produce(record, opaque: opaque) {
            // A full local queue drains as the poll thread serves deliveries: wait briefly and retry.
            if error.isQueueFull {
                usleep(1_000)
                continue
            }
            Unmanaged<DeliveryTicket>.fromOpaque(opaque).release()
            ticket.complete(.failure(error))
            return
        }
    }

    /// Whether the cluster answers a metadata request within the timeout.
    public func isClusterReachable(timeoutMilliseconds: Int32 = 1_000) -> Bool {
        client.brokersReachable(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// A fatal producer error (for example a fenced idempotent producer), after which it must be recreated.
    public var fatalError: KafkaError? { client.callbacks.fatalError }

    /// Number of partitions of a topic.
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 5_000) throws(KafkaError) -> Int32 {
        try client.partitionCount(topic: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Whether the broker knows every one of these topics now, by a metadata request per topic
    /// (run off Swift's cooperative pool: the requests block).
    public func topicsExist(_ topics: [String], timeoutMilliseconds: Int32 = 5_000) async -> Bool {
        let client = self.client
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: client.topicsExist(topics, timeoutMilliseconds: timeoutMilliseconds))
            }
        }
    }

    /// Waits for queued records to be delivered, then stops serving callbacks. Returns false when
    /// records were still undelivered at the timeout.
    @discardableResult
    public func close(timeout: Duration = .seconds(10)) -> Bool {
        guard stopped.set() else { return true }
        pollerDone.wait()
        if client.flush(timeoutMilliseconds: timeout.milliseconds) { return true }
        logger.warning("producer closed with undelivered records", metadata: ["kafka.queued": "\(client.queuedCount)"])
        // Fail what is left, so that every waiting send returns.
        client.purge()
        client.flush(timeoutMilliseconds: 1_000)
        return false
    }

    deinit {
        close(timeout: .seconds(5))
    }
}

/// A flag set once, readable from any thread.
final class StopFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    /// Sets the flag; returns false if it was already set.
    func set() -> Bool {
        value.withLock { flag in
            defer { flag = true }
            return !flag
        }
    }
}
