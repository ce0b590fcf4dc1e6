import Foundation
import Models
import Sealing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Starts the built executables as real processes, each with its own database, read port and ops
/// port (health and metrics), on topics of their own (a fresh prefix), against one broker.
public struct Deployment: Sendable {
    public let bootstrapServers: String
    public let directory: URL
    public let prefix: String
    /// The operator every service of the deployment accepts.
    public let operatorCredential = TestKeys.operatorCredential
    /// Where the `tenancy-*` executables are.
    public let binaries: String

    /// `TENANCY_BIN_DIR`, else the debug build of this checkout.
    public static var defaultBinaries: String {
        if let directory = ProcessInfo.processInfo.environment["TENANCY_BIN_DIR"] { return directory }
        let root = Repository.root
        return root.appendingPathComponent(".build/debug").path
    }

    public static func binary(_ name: String) -> String { defaultBinaries + "/" + name }

    public init(broker: TansuBroker) throws {
        try self.init(bootstrapServers: broker.bootstrapServers)
    }

    public init(bootstrapServers: String, binaries: String = Deployment.defaultBinaries) throws {
        self.bootstrapServers = bootstrapServers
        self.binaries = binaries
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenancy-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        prefix = "e\(UUID().uuidString.prefix(8).lowercased())"
    }

    public var topics: Topics { Topics(prefix: prefix) }

    /// The group session and heartbeat every service of a test deployment runs with: short, so that
    /// a member that dies is noticed within seconds.
    public static let sessionTimeoutMilliseconds = 6_000
    public static let heartbeatIntervalMilliseconds = 500

    /// The invitation key every service of a test deployment is given (only Lifecycle and
    /// Notifications read it).
    public static let invitationKey = Data(repeating: 11, count: 32).base64EncodedString()

    /// The key that encrypts secret values at rest, given to every service (only Lifecycle reads it).
    public static let secretsKey = Data(repeating: 9, count: 32)

    /// `values` sealed to the Lifecycle secrets key that ``secretsKey`` gives, for the command
    /// `commandID`, as a client seals integration secret values.
    public static func sealedForLifecycle(_ values: [String: String], commandID: String) throws -> SealedSecrets {
        try SecretSeal.seal(values, to: lifecycleSecretsKey, for: .integrationSecrets(commandID: commandID))
    }

    /// A one-time `token` sealed to the Lifecycle secrets key that ``secretsKey`` gives, for the
    /// command `commandID`, as a client sends the token of an invitation or a runner.
    public static func sealedTokenForLifecycle(_ token: String, commandID: String) throws -> SealedSecrets {
        try SecretSeal.seal(["token": token], to: lifecycleSecretsKey, for: .token(commandID: commandID))
    }

    /// Lifecycle's secrets key (the public half), as `GET /secrets-key` publishes it.
    public static let lifecycleSecretsKey = SecretSeal.encode(SecretSeal.inboundKey(fromSecretsKey: secretsKey).publicKey)

    public func database(_ service: String) -> String { directory.appendingPathComponent("\(service).sqlite").path }

    /// Starts `tenancy-<service>` with its read side on `httpPort` and health and metrics on
    /// `opsPort`; its output goes to `<service>.log` in the deployment's directory. Another instance
    /// of a service is given a name of its own (`sharing-2`), which names its database and its log.
    public func start(
        _ service: String,
        instance: String? = nil,
        httpPort: Int,
        opsPort: Int,
        environment extra: [String: String] = [:]
    ) throws -> ChildProcess {
        let name = instance ?? service
        return try ChildProcess(
            executable: binaries + "/tenancy-\(service)",
            arguments: [],
            environment: [
                "TENANCY_BOOTSTRAP_SERVERS": bootstrapServers, "TENANCY_TOPIC_PREFIX": prefix,
                "TENANCY_DATABASE": database(name), "TENANCY_HTTP_PORT": String(httpPort),
                "TENANCY_OPS_PORT": String(opsPort), "TENANCY_SESSION_TIMEOUT_MS": String(Deployment.sessionTimeoutMilliseconds),
                "TENANCY_SECRETS_KEY": Deployment.secretsKey.base64EncodedString(),
                "TENANCY_INVITATION_KEY": Deployment.invitationKey,
                "TENANCY_HEARTBEAT_INTERVAL_MS": String(Deployment.heartbeatIntervalMilliseconds), "TENANCY_PARTITIONS": "3",
            ].merging(TestKeys.environment(for: service)) { _, new in new }.merging(extra) { _, new in new },
            logFile: directory.appendingPathComponent("\(name).log")
        )
    }

    /// Starts `tenancy-<service>` on free ports and waits until it reports ready; `port` is its read
    /// side, `opsPort` its health and metrics.
    public func startReady(
        _ service: String,
        environment: [String: String] = [:]
    ) async throws -> (process: ChildProcess, port: Int, opsPort: Int) {
        let (port, opsPort) = (try FreePort.next(), try FreePort.next())
        let process = try start(service, httpPort: port, opsPort: opsPort, environment: environment)
        do {
            try await waitUntilReady(opsPort: opsPort)
        } catch {
            process.stop(signal: SIGKILL)
            throw TestSupportError("\(error); log of tenancy-\(service):\n\(process.log.suffix(2_000))")
        }
        return (process, port, opsPort)
    }

    /// Runs the `tenancy` CLI against this deployment.
    public func cli(
        _ arguments: [String],
        environment: [String: String] = [:],
        lifecyclePort: Int? = nil,
        sharingPort: Int? = nil,
        deactivationPort: Int? = nil,
        notificationsPort: Int? = nil
    ) async throws -> (status: Int32, output: String, errors: String) {
        var base = ["TENANCY_BOOTSTRAP_SERVERS": bootstrapServers, "TENANCY_TOPIC_PREFIX": prefix]
        if case .operator(let name, let secret) = operatorCredential {
            base["TENANCY_OPERATOR_NAME"] = name
            base["TENANCY_OPERATOR_SECRET"] = secret
        }
        // With Lifecycle's port, the CLI reads Lifecycle's secrets key from it; without, the key is pinned.
        if let lifecyclePort {
            base["TENANCY_LIFECYCLE_URL"] = "http://127.0.0.1:\(lifecyclePort)"
        } else {
            base["TENANCY_LIFECYCLE_SECRETS_KEY"] = Deployment.lifecycleSecretsKey
        }
        if let sharingPort { base["TENANCY_SHARING_URL"] = "http://127.0.0.1:\(sharingPort)" }
        if let deactivationPort { base["TENANCY_DEACTIVATION_URL"] = "http://127.0.0.1:\(deactivationPort)" }
        if let notificationsPort { base["TENANCY_NOTIFICATIONS_URL"] = "http://127.0.0.1:\(notificationsPort)" }
        return try await runToCompletion(binaries + "/tenancy", arguments, environment: base.merging(environment) { _, new in new })
    }
}

/// GET on `host` (127.0.0.1 unless told), with `headers`; nil when nothing answers. Unsigned: for the
/// ops port, or to see a read side refuse.
public func httpGet(host: String = "127.0.0.1", port: Int, path: String, headers: [String: String] = [:]) async -> (status: Int, body: String)? {
    guard let url = URL(string: "http://\(host):\(port)\(path)") else { return nil }
    var request = URLRequest(url: url)
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
    return (http.statusCode, String(decoding: data, as: UTF8.self))
}

/// A tenant read: GET `path` (with its query) from `service`'s read side on `port`, signed by
/// `credential` as a client signs it; nil when nothing answers.
public func signedGet(port: Int, path: String, credential: Credential, service: String) async -> (status: Int, body: String)? {
    await httpGet(port: port, path: path, headers: credential.readHeaders(target: path, service: service))
}

/// Waits until the service whose ops side is on `opsPort` answers `/health/ready` with 200.
public func waitUntilReady(opsPort: Int, timeout: Duration = .seconds(60)) async throws {
    try await Wait.until("service with ops port \(opsPort) is ready", timeout: timeout, every: .milliseconds(200)) {
        await httpGet(port: opsPort, path: "/health/ready")?.status == 200
    }
}

/// Whether the service whose ops side is on `opsPort` has applied everything it has read and
/// published its outbox, by its own metrics (consumer lag and outbox depth all zero).
public func isIdle(opsPort: Int) async -> Bool {
    guard let metrics = await httpGet(port: opsPort, path: "/metrics")?.body else { return false }
    let backlog = metrics.split(separator: "\n").filter { $0.hasPrefix("tenancy_consumer_lag") || $0.hasPrefix("tenancy_outbox_depth") }
    return !backlog.isEmpty && backlog.allSatisfy { Double($0.split(separator: " ").last ?? "1") == 0 }
}
