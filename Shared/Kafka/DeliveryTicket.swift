import Synchronization

/// Collects the delivery reports of one ``KafkaProducer/send(_:)`` call and resumes its caller
/// once every record has one.
final class DeliveryBatch: Sendable {
    private let state:
        Mutex<
            (
                results: [Result<DeliveryReport, KafkaError>?], pending: Int,
                continuation: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
            )
        >

    init(count: Int, continuation: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>) {
        state = Mutex((Array(repeating: nil, count: count), count, continuation))
        if count == 0 { finish() }
    }

    func complete(_ index: Int, with result: Result<DeliveryReport, KafkaError>) {
        let done = state.withLock { state -> Bool in
            state.results[index] = result
            state.pending -= 1
            return state.pending == 0
        }
        if done { finish() }
    }

    private func finish() {
        let (results, continuation) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.results.map { $0! }, state.continuation)
        }
        continuation?.resume(returning: results)
    }
}

/// The per-record opaque handed to librdkafka; retained until its delivery report arrives.
final class DeliveryTicket: Sendable {
    let batch: DeliveryBatch
    let index: Int

    init(batch: DeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }

    func complete(_ result: Result<DeliveryReport, KafkaError>) {
        batch.complete(index, with: result)
    }
}
