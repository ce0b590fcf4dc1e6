import ArgumentParser
import Foundation
import Kafka
import Models

/// How the CLI reaches Tenancy and who it acts as: flags, else `TENANCY_*` environment variables,
/// else the config file (``ConfigFile``).
struct ClientOptions: ParsableArguments {
    private static let environment = ProcessInfo.processInfo.environment
    private static let config = ConfigFile.current

    @Option(help: "Kafka bootstrap servers. Env: TENANCY_BOOTSTRAP_SERVERS.")
    var bootstrapServers: String = config.setting("bootstrap_servers") ?? "127.0.0.1:9092"

    @Option(name: .customLong("kafka-property"), help: ArgumentHelp("Any librdkafka property as key=value, repeatable.", valueName: "key=value"))
    var kafkaProperties: [String] = (config.setting("kafka_properties") ?? "").split(separator: ",").map(String.init)

    @Option(help: "Prefix of every topic name. Env: TENANCY_TOPIC_PREFIX.")
    var topicPrefix: String = config.setting("topic_prefix") ?? "tenancy"

    @Option(name: .customLong("client-id"), help: "API key client id. Env: TENANCY_CLIENT_ID.")
    private var clientIDFlag: String?
    var clientID: String? { clientIDFlag ?? Self.config.setting("client_id") }

    @Flag(
        help:
            "Act as an operator: the name in TENANCY_OPERATOR_NAME, the secret in TENANCY_OPERATOR_SECRET (never passed as a flag, so it stays out of process lists)."
    )
    var asOperator = false

    @Option(help: "Lifecycle's HTTP read side. Env: TENANCY_LIFECYCLE_URL.")
    var lifecycleURL: String = config.setting("lifecycle_url") ?? "http://127.0.0.1:8081"

    @Option(
        help:
            "Lifecycle's secrets key, which integration secret values are sealed to (default: what Lifecycle's GET /secrets-key publishes; setting it pins it). Env: TENANCY_LIFECYCLE_SECRETS_KEY."
    )
    var lifecycleSecretsKey: String? = config.setting("lifecycle_secrets_key")

    @Option(help: "Sharing's HTTP read side. Env: TENANCY_SHARING_URL.")
    var sharingURL: String = config.setting("sharing_url") ?? "http://127.0.0.1:8082"

    @Option(help: "Notifications' HTTP read side. Env: TENANCY_NOTIFICATIONS_URL.")
    var notificationsURL: String = config.setting("notifications_url") ?? "http://127.0.0.1:8083"

    @Option(help: "Deactivation's HTTP read side. Env: TENANCY_DEACTIVATION_URL.")
    var deactivationURL: String = config.setting("deactivation_url") ?? "http://127.0.0.1:8084"

    @Option(
        help:
            "OTLP/HTTP endpoint the command's span is exported to (the standard OTEL_EXPORTER_OTLP_* variables are read too); every command starts a trace either way. Env: TENANCY_OTLP_ENDPOINT."
    )
    var otlpEndpoint: String? = config.setting("otlp_endpoint")

    @Option(help: "Seconds to wait for a command's result.")
    var timeout: Double = 30

    @Flag(
        help:
            "Print the command id and return without waiting for the result (a one-time secret in it, sealed to a key this run does not keep, is then lost)."
    )
    var noWait = false

    @Option(help: "Idempotency key of the command (ce_id). Default: a new UUID. Reuse it to retry safely.")
    var commandID: String?

    @Flag(help: "Machine-readable JSON output.")
    var json = false

    var topics: Topics { Topics(prefix: topicPrefix) }

    var connection: KafkaConnection {
        get throws {
            var properties: [String: String] = [:]
            for pair in kafkaProperties {
                guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--kafka-property expects key=value") }
                properties[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            return KafkaConnection(bootstrapServers: bootstrapServers, clientID: "tenancy-cli", properties: properties)
        }
    }

    /// The credential: the operator's with `--as-operator`, else the API key. A secret comes from
    /// the environment or the config file only, never from a flag.
    func credential() throws -> Credential {
        if asOperator {
            guard let name = Self.config.setting("operator_name"), let secret = Self.config.setting("operator_secret"), !secret.isEmpty else {
                throw ValidationError(
                    "--as-operator needs TENANCY_OPERATOR_NAME and TENANCY_OPERATOR_SECRET (or operator_name and operator_secret in the config file); `tenancy operators add` makes them"
                )
            }
            guard Signer.isOperatorName(name) else {
                throw ValidationError("operator name '\(name)' is not lower-case letters, digits, '.', '_' or '-'")
            }
            return .operator(name: name, secret: secret)
        }
        guard let clientID, let secret = Self.config.setting("client_secret"), !secret.isEmpty else {
            throw ValidationError(
                "no credential: set TENANCY_CLIENT_ID and TENANCY_CLIENT_SECRET (or --client-id, or client_id and client_secret in the config file), or use --as-operator"
            )
        }
        let id = ClientID(rawValue: clientID)
        guard id.isWellFormed else { throw ValidationError("client id '\(clientID)' is not of the form key_...") }
        return .apiKey(clientID: id, secret: secret)
    }

    /// `service`'s read side, with reads signed by ``credential()``.
    func reads(_ service: ReadService) throws -> ReadEndpoint {
        let base =
            switch service {
            case .lifecycle: lifecycleURL
            case .sharing: sharingURL
            case .notifications: notificationsURL
            case .deactivation: deactivationURL
            }
        return ReadEndpoint(base: base, service: service.rawValue, credential: try credential())
    }

    func validate() throws {
        if let problem = Self.config.problem { throw ValidationError(problem) }
    }
}

/// A service the CLI reads from, by the name its reads are signed for.
enum ReadService: String {
    case lifecycle, sharing, notifications, deactivation
}
