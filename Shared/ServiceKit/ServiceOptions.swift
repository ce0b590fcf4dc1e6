import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline
import Sealing

/// Configuration every service shares, from flags or `TENANCY_*` environment variables
/// (a flag wins over the environment, the environment over the default).
public struct ServiceOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(help: "Kafka bootstrap servers, host:port[,host:port]. Env: TENANCY_BOOTSTRAP_SERVERS.")
    public var bootstrapServers: String = Setting.environment("TENANCY_BOOTSTRAP_SERVERS") ?? "127.0.0.1:9092"

    @Option(
        name: .customLong("kafka-property"),
        help: ArgumentHelp(
            "Any librdkafka property as key=value, repeatable (security.protocol, sasl.*, ...). Env: TENANCY_KAFKA_PROPERTIES, comma-separated.",
            valueName: "key=value"
        )
    )
    public var kafkaProperties: [String] = (Setting.environment("TENANCY_KAFKA_PROPERTIES") ?? "").split(separator: ",").map(String.init)

    @Option(name: .customLong("database"), help: "SQLite file of this service. Env: TENANCY_DATABASE. Default: data/<service>.sqlite.")
    private var databaseFlag: String?
    public var database: String? { Setting.flag(databaseFlag, or: "TENANCY_DATABASE") }

    @Option(help: "Address the HTTP read side listens on. Env: TENANCY_HTTP_HOST.")
    public var httpHost: String = Setting.environment("TENANCY_HTTP_HOST") ?? "127.0.0.1"

    @Option(
        name: .customLong("http-port"),
        help: "Port of the HTTP read side (tenant queries and key routes only). Env: TENANCY_HTTP_PORT. Default: the service's own."
    )
    private var httpPortFlag: Int?
    public var httpPort: Int? { Setting.flag(httpPortFlag, or: "TENANCY_HTTP_PORT") }

    @Option(help: "Address the ops side (health and metrics, no tenant data) listens on. Env: TENANCY_OPS_HOST.")
    public var opsHost: String = Setting.environment("TENANCY_OPS_HOST") ?? "127.0.0.1"

    @Option(
        name: .customLong("ops-port"),
        help: "Port of the ops side: /health/live, /health/ready, /tasks and /metrics. Env: TENANCY_OPS_PORT. Default: the service's own."
    )
    private var opsPortFlag: Int?
    public var opsPort: Int? { Setting.flag(opsPortFlag, or: "TENANCY_OPS_PORT") }

    @Option(help: "Items in a page of a list read that gives no limit (at most --max-page-size). Env: TENANCY_DEFAULT_PAGE_SIZE.")
    public var defaultPageSize: Int = Setting.environment("TENANCY_DEFAULT_PAGE_SIZE") ?? 100

    @Option(help: "Largest limit a list read may ask for; a larger one is refused (invalid_argument). Env: TENANCY_MAX_PAGE_SIZE.")
    public var maxPageSize: Int = Setting.environment("TENANCY_MAX_PAGE_SIZE") ?? 500

    public var pageLimits: PageLimits { PageLimits(defaultSize: defaultPageSize, maximum: maxPageSize) }

    @Option(help: "Prefix of every topic name (tenancy.lifecycle.commands, ...). Env: TENANCY_TOPIC_PREFIX.")
    public var topicPrefix: String = Setting.environment("TENANCY_TOPIC_PREFIX") ?? "tenancy"

    @Option(name: .customLong("group-id"), help: "Consumer group id. Env: TENANCY_GROUP_ID. Default: <prefix>-<service>.")
    private var groupIDFlag: String?
    public var groupID: String? { Setting.flag(groupIDFlag, or: "TENANCY_GROUP_ID") }

    @Option(
        name: .customLong("instance-id"),
        help: "Static group membership id, so a restarted instance keeps its partitions. Env: TENANCY_INSTANCE_ID."
    )
    private var instanceIDFlag: String?
    public var instanceID: String? { Setting.flag(instanceIDFlag, or: "TENANCY_INSTANCE_ID") }

    @Option(
        help:
            "How the consumer group spreads a service's tasks (one partition number of every topic it reads) over its instances: cooperative-sticky (moves only the tasks that must move), range or roundrobin (take every task away at each change). Env: TENANCY_ASSIGNMENT_STRATEGY."
    )
    public var assignmentStrategy: String = Setting.environment("TENANCY_ASSIGNMENT_STRATEGY") ?? "cooperative-sticky"

    @Option(
        help:
            "Partitions of every topic (P), the same for all: created so when missing, and checked at start-up for the topics a service reads together. Env: TENANCY_PARTITIONS."
    )
    public var partitions: Int32 = Setting.environment("TENANCY_PARTITIONS") ?? 6

    @Option(help: "Replication factor of created topics; -1 lets the broker decide. Env: TENANCY_REPLICATION_FACTOR.")
    public var replicationFactor: Int32 = Setting.environment("TENANCY_REPLICATION_FACTOR") ?? -1

    @Option(help: "Kafka session timeout in ms. Env: TENANCY_SESSION_TIMEOUT_MS.")
    public var sessionTimeoutMs: Int = Setting.environment("TENANCY_SESSION_TIMEOUT_MS") ?? 10_000

    @Option(help: "Kafka heartbeat interval in ms. Env: TENANCY_HEARTBEAT_INTERVAL_MS.")
    public var heartbeatIntervalMs: Int = Setting.environment("TENANCY_HEARTBEAT_INTERVAL_MS") ?? 1_000

    @Option(
        help:
            "Longest time the broker may hold an empty fetch, in ms; every hop waits up to this on a broker that answers fetches only at their deadline (Tansu). Env: TENANCY_FETCH_WAIT_MS."
    )
    public var fetchWaitMs: Int = Setting.environment("TENANCY_FETCH_WAIT_MS") ?? 10

    @Option(help: "Most messages processed in one transaction. Env: TENANCY_MAX_BATCH.")
    public var maxBatch: Int = Setting.environment("TENANCY_MAX_BATCH") ?? 2_000

    @Option(help: "Largest command or event payload accepted, in bytes; larger ones are rejected and dead-lettered. Env: TENANCY_MAX_PAYLOAD_BYTES.")
    public var maxPayloadBytes: Int = Setting.environment("TENANCY_MAX_PAYLOAD_BYTES") ?? 1 << 20

    @Option(
        help:
            "Most bytes of an undecodable record's value a dead letter keeps (the rest is described by its size and SHA-256). Env: TENANCY_DEAD_LETTER_VALUE_BYTES."
    )
    public var deadLetterValueBytes: Int = Setting.environment("TENANCY_DEAD_LETTER_VALUE_BYTES") ?? 65_536

    @Option(
        help:
            "Days a processed command id is remembered for its sender: a repeat from that sender within them gets the original result. Env: TENANCY_INBOX_RETENTION_DAYS."
    )
    public var inboxRetentionDays: Double = Setting.environment("TENANCY_INBOX_RETENTION_DAYS") ?? 7

    @Option(
        help:
            "Seconds a service that checks credentials against a copy of Lifecycle's events (Sharing, Deactivation) may be behind on them before it refuses commands as unavailable; 0 never refuses. Env: TENANCY_MAX_REPLICA_LAG_SECONDS."
    )
    public var maxReplicaLagSeconds: Double = Setting.environment("TENANCY_MAX_REPLICA_LAG_SECONDS") ?? 30

    @Option(
        help:
            "Commands per second one API key (or one-time token) may send to this service, sustained; 0: no limit. The operator is not limited. Env: TENANCY_RATE_LIMIT_PER_KEY."
    )
    public var rateLimitPerKey: Double = Setting.environment("TENANCY_RATE_LIMIT_PER_KEY") ?? 100

    @Option(help: "Commands one key may send at once above its sustained rate. Env: TENANCY_RATE_LIMIT_PER_KEY_BURST.")
    public var rateLimitPerKeyBurst: Int = Setting.environment("TENANCY_RATE_LIMIT_PER_KEY_BURST") ?? 1_000

    @Option(
        help:
            "Commands per second the keys of one workspace may send to this service together, sustained; 0: no limit. Env: TENANCY_RATE_LIMIT_PER_WORKSPACE."
    )
    public var rateLimitPerWorkspace: Double = Setting.environment("TENANCY_RATE_LIMIT_PER_WORKSPACE") ?? 300

    @Option(help: "Commands one workspace may send at once above its sustained rate. Env: TENANCY_RATE_LIMIT_PER_WORKSPACE_BURST.")
    public var rateLimitPerWorkspaceBurst: Int = Setting.environment("TENANCY_RATE_LIMIT_PER_WORKSPACE_BURST") ?? 3_000

    @Option(
        help:
            "File holding this service's private key: 32 random bytes, base64url (`tenancy service-keys` makes one per service). Env: TENANCY_SERVICE_KEY holds the value itself."
    )
    public var serviceKeyFile: String?

    @Option(
        help:
            "File of every service's public key, lines <service>=<key>, the same for all services. Env: TENANCY_SERVICE_PUBLIC_KEYS holds the value itself (entries separated by commas)."
    )
    public var servicePublicKeysFile: String?

    @Option(
        help:
            "File of the operators this service accepts, lines <name> <signing key> (`tenancy operators add` writes them). Env: TENANCY_OPERATORS holds the value itself (entries separated by commas)."
    )
    public var operatorsFile: String?

    @Option(
        help:
            "Seconds a signed command's ce_time or a read's x-tenancy-time may be from this service's clock, either way; outside it the request is refused as unauthenticated. Env: TENANCY_SIGNATURE_WINDOW_SECONDS."
    )
    public var signatureWindowSeconds: Double = Setting.environment("TENANCY_SIGNATURE_WINDOW_SECONDS") ?? 900

    @Option(
        help:
            "File holding the key that encrypts secret values at rest: 32 random bytes, base64 (Lifecycle); to rotate, one key per line, the new one first. Env: TENANCY_SECRETS_KEY holds the value itself."
    )
    public var secretsKeyFile: String?

    @Option(
        help:
            "File holding the key from which invitation tokens are made: 32 random bytes, base64, the same for Lifecycle and Notifications and given to no other. Env: TENANCY_INVITATION_KEY holds the value itself."
    )
    public var invitationKeyFile: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env: TENANCY_LOG_LEVEL.")
    public var logLevel: String = Setting.environment("TENANCY_LOG_LEVEL") ?? "info"

    @Option(help: "text (a line for people) or json (an object per line, for a log pipeline). Env: TENANCY_LOG_FORMAT.")
    public var logFormat: String = Setting.environment("TENANCY_LOG_FORMAT") ?? "text"

    @Option(
        name: .customLong("otlp-endpoint"),
        help:
            "OTLP/HTTP endpoint spans are exported to (http://collector:4318); the standard OTEL_EXPORTER_OTLP_* variables are read too. Without one, nothing is exported. Env: TENANCY_OTLP_ENDPOINT."
    )
    private var otlpEndpointFlag: String?
    public var otlpEndpoint: String? { Setting.flag(otlpEndpointFlag, or: "TENANCY_OTLP_ENDPOINT") }

    public func validate() throws {
        guard signatureWindowSeconds > 0, signatureWindowSeconds.isFinite else {
            throw ValidationError("--signature-window-seconds must be a positive number of seconds")
        }
        guard maxReplicaLagSeconds >= 0, maxReplicaLagSeconds.isFinite else {
            throw ValidationError("--max-replica-lag-seconds must be 0 (never refuse) or a positive number of seconds")
        }
        guard ["cooperative-sticky", "range", "roundrobin"].contains(assignmentStrategy) else {
            throw ValidationError("--assignment-strategy must be cooperative-sticky, range or roundrobin")
        }
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
        try validateRateLimits()
    }

    public var connection: KafkaConnection {
        get throws {
            var properties: [String: String] = [:]
            for pair in kafkaProperties where !pair.isEmpty {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--kafka-property expects key=value, got '\(pair.prefix(40))'")
                }
                properties[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            return KafkaConnection(bootstrapServers: bootstrapServers, properties: properties)
        }
    }

    /// The command rate limits (``RateLimitGate``); a rate of 0 turns its limit off.
    public var rateLimits: RateLimitGate.Limits {
        RateLimitGate.Limits(
            perKey: RateLimit(perSecond: rateLimitPerKey, burst: rateLimitPerKeyBurst),
            perWorkspace: RateLimit(perSecond: rateLimitPerWorkspace, burst: rateLimitPerWorkspaceBurst)
        )
    }

    private func validateRateLimits() throws {
        for (flag, rate, burst) in [
            ("--rate-limit-per-key", rateLimitPerKey, rateLimitPerKeyBurst),
            ("--rate-limit-per-workspace", rateLimitPerWorkspace, rateLimitPerWorkspaceBurst),
        ] {
            guard rate >= 0, rate.isFinite else { throw ValidationError("\(flag) must be 0 (no limit) or a positive number of commands per second") }
            guard rate == 0 || burst >= 1 else { throw ValidationError("\(flag)-burst must be at least 1") }
        }
    }

    /// This service's key pair and every service's public key; throws when they are not configured.
    public func serviceKeys(for service: String) throws -> ServiceKeys {
        guard let privateKey = try Self.value(file: serviceKeyFile, environment: "TENANCY_SERVICE_KEY"),
            let publicKeys = try Self.value(file: servicePublicKeysFile, environment: "TENANCY_SERVICE_PUBLIC_KEYS")
        else {
            throw ValidationError(
                "\(service) needs its service key and every service's public key: --service-key-file and --service-public-keys-file (or TENANCY_SERVICE_KEY and TENANCY_SERVICE_PUBLIC_KEYS); `tenancy service-keys --directory DIR` makes them"
            )
        }
        do {
            return try ServiceKeys(service: service, privateKey: privateKey, publicKeys: publicKeys)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The operators this service accepts; none when no operators file is configured.
    public func operators() throws -> OperatorKeys {
        guard let text = try Self.value(file: operatorsFile, environment: "TENANCY_OPERATORS") else { return OperatorKeys() }
        do {
            return try OperatorKeys(parsing: text.replacingOccurrences(of: ",", with: "\n"))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The contents of `file` when given, else the value of the environment variable.
    private static func value(file: String?, environment name: String) throws -> String? {
        guard let file else { return Setting.environment(name) }
        let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationError("'\(file)' is empty") }
        return text
    }

    /// The secrets key (base64), from the file if given, else from the environment.
    public func secretsKey() throws -> String? {
        if let secretsKeyFile {
            return try String(contentsOfFile: secretsKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return Setting.environment("TENANCY_SECRETS_KEY")
    }

    /// The invitation key (base64), from the file if given, else from the environment.
    public func invitationKey() throws -> String? {
        if let invitationKeyFile {
            return try String(contentsOfFile: invitationKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return Setting.environment("TENANCY_INVITATION_KEY")
    }

    public var format: LogFormat {
        get throws {
            guard let format = LogFormat(rawValue: logFormat.lowercased()) else {
                throw ValidationError("unknown log format '\(logFormat)': text or json")
            }
            return format
        }
    }

    public var level: Logger.Level {
        get throws {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw ValidationError("unknown log level '\(logLevel)'")
            }
            return level
        }
    }
}
