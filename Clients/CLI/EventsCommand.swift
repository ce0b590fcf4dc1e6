import ArgumentParser
import Foundation
import Kafka
import Logging
import Models

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Follow domain events, notifications and results as they are published.",
        subcommands: [Tail.self]
    )

    /// The topics `--topic` can name.
    enum Stream: String, ExpressibleByArgument, CaseIterable {
        case lifecycle, sharing, deactivation, notifications, results, deadletter

        func topic(_ topics: Topics) -> String {
            switch self {
            case .lifecycle: topics.lifecycleEvents
            case .sharing: topics.sharingEvents
            case .deactivation: topics.deactivationEvents
            case .notifications: topics.notifications
            case .results: topics.commandResults
            case .deadletter: topics.deadLetter
            }
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print events as they arrive: one line each (time, topic, type, subject, payload), or the whole message with --json.",
            discussion: """
                Default: the domain events of the three services and the notifications, from now on. Stop with Ctrl-C.
                Example: tenancy events tail --topic sharing --topic notifications --workspace ws_...
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(name: .customLong("topic"), help: "lifecycle, sharing, deactivation, notifications, results or deadletter; repeatable.")
        var streams: [Stream] = [.lifecycle, .sharing, .deactivation, .notifications]
        @Option(help: "Only events about this workspace (its id as key, subject or anywhere in the payload).") var workspace: String?
        @Flag(help: "Start at the oldest event kept instead of now.") var fromBeginning = false
        @Option(help: "Stop after this many events.") var maxEvents: Int?

        func run() async throws {
            var logger = Logger(label: "tenancy.cli")
            logger.logLevel = .error
            let topics = streams.map { $0.topic(options.topics) }
            let consumer: KafkaConsumer
            do {
                consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(connection: try options.connection), logger: logger)
                var start: [TopicPartition: Int64] = [:]
                for topic in topics {
                    for partition in 0..<(try consumer.partitionCount(of: topic)) {
                        let topicPartition = TopicPartition(topic: topic, partition: partition)
                        let marks = try consumer.watermarks(of: topicPartition)
                        start[topicPartition] = fromBeginning ? marks.low : marks.high
                    }
                }
                try consumer.assign(start)
            } catch {
                Output.fail("cannot follow \(topics.joined(separator: ", ")): \(error)")
            }
            var printed = 0
            while maxEvents.map({ printed < $0 }) ?? true {
                for message in try await consumer.poll(maxMessages: 500, timeout: .milliseconds(200)) where matches(message) {
                    print(line(message))
                    printed += 1
                    if let maxEvents, printed >= maxEvents { break }
                }
            }
            await consumer.close()
        }

        private func matches(_ message: KafkaConsumedMessage) -> Bool {
            guard let workspace else { return true }
            return message.key.map { String(decoding: $0, as: UTF8.self) } == workspace || message.header(Envelope.Header.subject) == workspace
                || (message.value.map { String(decoding: $0, as: UTF8.self).contains("\"\(workspace)\"") } ?? false)
        }

        private func line(_ message: KafkaConsumedMessage) -> String {
            let payload = message.value.map { String(decoding: $0, as: UTF8.self) } ?? ""
            if options.json {
                let headers = Dictionary(message.headers.map { ($0.name, String(decoding: $0.value, as: UTF8.self)) }) { first, _ in first }
                let object: [String: Any] = [
                    "topic": message.topic, "partition": message.partition, "offset": message.offset, "headers": headers,
                    "payload": (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) ?? payload,
                ]
                return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
                    ?? payload
            }
            let type = message.header(Envelope.Header.type) ?? "?"
            return [message.header(Envelope.Header.time) ?? "", message.topic, type, message.header(Envelope.Header.subject) ?? "", payload].joined(
                separator: "  "
            )
        }
    }
}
