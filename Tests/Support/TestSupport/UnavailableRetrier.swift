import Foundation
import Kafka
import Synchronization

/// Sends a command again, as a client would, each time a service answered it `unavailable` (a
/// refusal that is not the command's result: Sharing or Deactivation catching up on Lifecycle's
/// events), once its `retry_after_seconds` have passed: one copy per such answer. The same record
/// goes again, with its id: the refusal was not recorded, so the service decides it afresh.
public final class UnavailableRetrier: Sendable {
    private let producer: KafkaProducer
    private let results: ResultWatcher
    private let records = Mutex<[String: KafkaRecord]>([:])
    /// Unavailable answers already acted on, by command id.
    private let handled = Mutex<[String: Int]>([:])
    private let stopped = Atomic<Bool>(false)

    public init(producer: KafkaProducer, results: ResultWatcher) {
        self.producer = producer
        self.results = results
    }

    /// Keeps these commands' records, to send again when they are answered `unavailable`.
    public func register(_ commands: [(id: String, record: KafkaRecord)]) {
        records.withLock { records in
            for command in commands { records[command.id] = command.record }
        }
    }

    /// How many copies of commands were sent again.
    public var resent: Int { handled.withLock { $0.values.reduce(0, +) } }

    /// The commands sent again at least once. One can get a replay: a copy of an `unavailable` answer
    /// published again (a service killed before it deleted the outbox row) is sent again too.
    public var resentIDs: Set<String> { handled.withLock { Set($0.keys) } }

    /// Sends again what is due, every 100 ms, until ``stop()``.
    public func run() async {
        while !stopped.load(ordering: .relaxed) {
            let now = ContinuousClock.now
            let due = handled.withLock { handled in
                results.unavailableAnswers.filter { id, answer in
                    answer.count > handled[id, default: 0] && now >= answer.last + .milliseconds(Int64(answer.retryAfterSeconds * 1_000))
                }
            }
            // One copy for each refused send: the original and a duplicate refused alike are two
            // senders retrying, and the second then gets the first one's result replayed.
            let again = records.withLock { records in
                due.compactMap { id, answer in records[id].map { (id, $0, answer.count) } }
            }
            if !again.isEmpty {
                let copies = handled.withLock { handled in
                    again.flatMap { id, record, count in Array(repeating: record, count: count - handled[id, default: 0]) }
                }
                _ = await producer.send(copies)
                handled.withLock { handled in
                    for (id, _, count) in again { handled[id] = count }
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }
}
