/// How to reach a Kafka cluster: shared by producer, consumer and admin configurations.
///
/// Any librdkafka property (`security.protocol`, `sasl.mechanism`, `ssl.ca.location`, ...) can be
/// passed in ``properties``; typed settings win where both name the same key.
public struct KafkaConnection: Sendable, Hashable {
    /// Comma-separated `host:port` list. Default: `127.0.0.1:9092`.
    public var bootstrapServers: String = "127.0.0.1:9092"
    /// Sent to the broker for its logs and quotas. Default: `tenancy`.
    public var clientID: String = "tenancy"
    /// Extra librdkafka properties, passed through unchanged. Default: none.
    public var properties: [String: String] = [:]

    public init(bootstrapServers: String = "127.0.0.1:9092", clientID: String = "tenancy", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    var librdkafkaProperties: [String: String] {
        properties.merging(["bootstrap.servers": bootstrapServers, "client.id": clientID]) { _, typed in typed }
    }
}
