import Foundation
import Kafka
import Logging
import Models
import Synchronization

/// Follows the command results topic from its beginning and notes when each command's result
/// first arrived, by command id (a result's `ce_subject`), and how many copies came. Values are
/// kept for refusals and for the ids asked for. An `unavailable` answer is not the command's result
/// (the service could not decide it then, and did not record it): it is noted apart, for an
/// ``UnavailableRetrier`` to send the command again.
public final class ResultWatcher: Sendable {
    public struct Arrival: Sendable {
        public let at: ContinuousClock.Instant
        public let accepted: Bool
        public let value: Data?
        /// The first copy's record timestamp (milliseconds since the Unix epoch): when it was produced.
        public let producedAtMilliseconds: Int64?
        /// Copies of the result read so far (more than one after a service re-published it).
        public var copies: Int
        /// Whether every re-published copy had the bytes of the first.
        public var copiesIdentical: Bool
        /// Answers to the same command id sent again: the stored original, marked `replayed`.
        public var replays: Int
    }

    /// `unavailable` answers to one command id.
    public struct Unavailable: Sendable {
        public var count: Int
        public var last: ContinuousClock.Instant
        public var retryAfterSeconds: Double
    }

    private struct State {
        var arrivals: [String: Arrival] = [:]
        var unavailable: [String: Unavailable] = [:]
        var keepValues: Set<String> = []
        /// A digest of each first copy, to compare later copies with.
        var firstDigests: [String: Int] = [:]
        /// Command ids in the order their first result arrived, so a waiter looks only at what is new.
        var firstArrivals: [String] = []
    }

    private let consumer: KafkaConsumer
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)

    public init(bootstrapServers: String, topic: String) throws {
        consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(connection: KafkaConnection(bootstrapServers: bootstrapServers)),
            logger: Logger(label: "bench.results")
        )
        let partitions = try consumer.partitionCount(of: topic)
        try consumer.assign(
            Dictionary(uniqueKeysWithValues: (0..<partitions).map { (TopicPartition(topic: topic, partition: $0), KafkaConsumer.beginning) })
        )
    }

    /// Polls until ``stop()``.
    public func run() async {
        while !stopped.load(ordering: .relaxed) {
            guard let batch = try? await consumer.poll(maxMessages: 10_000, timeout: .milliseconds(50)), !batch.isEmpty else { continue }
            let now = ContinuousClock.now
            state.withLock { state in
                for message in batch {
                    guard let id = message.header(Envelope.Header.subject) else { continue }
                    if let value = message.value, Self.isUnavailable(value) {
                        let retryAfter = (try? JSONCoding.decode(CommandResult.self, from: value))?.error?.retryAfterSeconds ?? 1
                        let count = (state.unavailable[id]?.count ?? 0) + 1
                        state.unavailable[id] = Unavailable(count: count, last: now, retryAfterSeconds: retryAfter)
                        continue
                    }
                    let digest = message.value.map(Self.digest)
                    if var seen = state.arrivals[id] {
                        if message.value.map(Self.isReplay) == true {
                            seen.replays += 1
                        } else {
                            seen.copies += 1
                            seen.copiesIdentical = seen.copiesIdentical && state.firstDigests[id] == digest
                        }
                        state.arrivals[id] = seen
                        continue
                    }
                    let accepted = message.value.map { Self.isAccepted($0) } ?? false
                    let keep = !accepted || state.keepValues.contains(id)
                    state.arrivals[id] = Arrival(
                        at: now,
                        accepted: accepted,
                        value: keep ? message.value : nil,
                        producedAtMilliseconds: message.timestampMilliseconds,
                        copies: 1,
                        copiesIdentical: true,
                        replays: 0
                    )
                    state.firstDigests[id] = digest
                    state.firstArrivals.append(id)
                }
            }
        }
        await consumer.close()
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Keeps the result values of these commands (setup commands, whose created ids are needed).
    public func keepValues(of ids: [String]) {
        state.withLock { $0.keepValues.formUnion(ids) }
    }

    /// Waits until every id has a result; returns them, or fails after `timeout` saying how many are missing.
    /// Each check looks only at the results that arrived since the last one (a benchmark waits for
    /// 100,000 ids: rescanning them all every few milliseconds would take a core from the services).
    public func wait(for ids: [String], timeout: Duration) async throws -> [String: Arrival] {
        let deadline = ContinuousClock.now + timeout
        var remaining = Set(ids)
        var seen = 0
        while true {
            state.withLock { state in
                for id in state.firstArrivals[seen...] { remaining.remove(id) }
                seen = state.firstArrivals.count
            }
            if remaining.isEmpty {
                return state.withLock { state in
                    var found: [String: Arrival] = [:]
                    for id in ids { found[id] = state.arrivals[id] }
                    return found
                }
            }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("\(remaining.count) of \(ids.count) results did not arrive within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The ids without a result so far.
    public func missing(from ids: [String]) -> [String] {
        state.withLock { state in ids.filter { state.arrivals[$0] == nil } }
    }

    /// The `unavailable` answers seen so far, by command id.
    public var unavailableAnswers: [String: Unavailable] { state.withLock { $0.unavailable } }

    /// Every result seen so far, by command id.
    public var arrivals: [String: Arrival] { state.withLock { $0.arrivals } }

    private static func digest(_ data: Data) -> Int {
        var hasher = Hasher()
        hasher.combine(data)
        return hasher.finalize()
    }

    /// Cheap checks on the result's JSON (sorted keys, no spaces) without decoding it.
    private static func isAccepted(_ value: Data) -> Bool {
        value.range(of: Data(#""status":"accepted""#.utf8)) != nil
    }

    private static func isUnavailable(_ value: Data) -> Bool {
        value.range(of: Data(#""code":"unavailable""#.utf8)) != nil
    }

    private static func isReplay(_ value: Data) -> Bool {
        value.range(of: Data(#""replayed":true"#.utf8)) != nil
    }
}
