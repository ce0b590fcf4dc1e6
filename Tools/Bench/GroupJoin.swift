import Foundation
import Kafka
import Logging
import TestSupport

/// The broker-alone floor under a service's start-up: a bare consumer, with the services' group
/// settings, joining a fresh group on an existing topic until it holds partitions. A service is not
/// ready before its own join has got that far, whatever it stores.
enum GroupJoin {
    /// Seconds from subscribing to the first assignment.
    static func seconds(bootstrapServers: String, topic: String) async throws -> Double {
        var configuration = KafkaConsumerConfiguration(
            connection: KafkaConnection(bootstrapServers: bootstrapServers, clientID: "tenancy-bench-join"),
            groupID: "tenancy-bench-join-\(UUID().uuidString.lowercased())"
        )
        configuration.sessionTimeoutMilliseconds = Deployment.sessionTimeoutMilliseconds
        configuration.heartbeatIntervalMilliseconds = Deployment.heartbeatIntervalMilliseconds
        var logger = Logger(label: "bench.join")
        logger.logLevel = .warning
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let started = ContinuousClock.now
        try consumer.subscribe(topics: [topic])
        while consumer.assignment.isEmpty {
            guard ContinuousClock.now - started < .seconds(60) else {
                await consumer.close()
                throw TestSupportError("a bare consumer did not join a fresh group on \(topic) within 60 s")
            }
            _ = try await consumer.poll(maxMessages: 1, timeout: .milliseconds(5))
        }
        let seconds = (ContinuousClock.now - started).seconds
        await consumer.close()
        return seconds
    }
}
