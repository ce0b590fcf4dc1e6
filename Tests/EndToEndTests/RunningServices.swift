import Foundation
import Models
import TestSupport

/// The four services as processes that the reliability suite kills, stops and restarts, each on a
/// fixed read port and ops port so that restarts are found where they were.
final class RunningServices: @unchecked Sendable {
    static let names = ["lifecycle", "sharing", "deactivation", "notifications"]

    let deployment: Deployment
    let ports: [String: Int]
    let opsPorts: [String: Int]
    private let smtpPort: Int
    private var processes: [String: ChildProcess] = [:]
    private let lock = NSLock()

    private init(deployment: Deployment, ports: [String: Int], opsPorts: [String: Int], smtpPort: Int) {
        self.deployment = deployment
        self.ports = ports
        self.opsPorts = opsPorts
        self.smtpPort = smtpPort
    }

    static func start(_ deployment: Deployment, smtpPort: Int) async throws -> RunningServices {
        let services = RunningServices(
            deployment: deployment,
            ports: Dictionary(uniqueKeysWithValues: try names.map { ($0, try FreePort.next()) }),
            opsPorts: Dictionary(uniqueKeysWithValues: try names.map { ($0, try FreePort.next()) }),
            smtpPort: smtpPort
        )
        for name in names { try services.start(name) }
        for name in names { try await waitUntilReady(opsPort: services.opsPort(name)) }
        return services
    }

    /// The service's read side.
    func port(_ name: String) -> Int { ports[name]! }

    /// The service's health and metrics.
    func opsPort(_ name: String) -> Int { opsPorts[name]! }

    func isRunning(_ name: String) -> Bool { lock.withLock { processes[name] != nil } }

    /// Starts the service without waiting for it: the load goes on meanwhile.
    func start(_ name: String) throws {
        // Payloads over 200 kB are refused (the poison's "huge" record is 300 kB, under the broker's own limit).
        // A saga step may wait behind Sharing's backlog, or for Sharing to come back: up to 5 minutes.
        // A sixth of the load is invitations into 12 workspaces: 10,000 commands pass a day's cap.
        // Sharing and Notifications log in JSON, the others in text: the leak check reads both.
        let environment = [
            "TENANCY_STEP_TIMEOUT_SECONDS": "5", "TENANCY_STEP_ATTEMPTS": "60", "TENANCY_MAX_PAYLOAD_BYTES": "200000",
            "TENANCY_INVITATIONS_PER_WORKSPACE_PER_DAY": "0", "TENANCY_LOG_FORMAT": name == "sharing" || name == "notifications" ? "json" : "text",
        ]
        .merging(name == "notifications" ? NotificationsEndToEndTests.smtp(smtpPort) : [:]) { $1 }
        let process = try deployment.start(name, httpPort: port(name), opsPort: opsPort(name), environment: environment)
        lock.withLock { processes[name] = process }
    }

    /// Waits until a (re)started service has its partitions, before it is disrupted again. Tansu
    /// 0.6's group coordinator never completes a rebalance whose elected leader left the group
    /// before its JoinGroup was answered: the group then stays without an assignment for good
    /// (measured: killed, restarted, stopped 9-12 s later, a third instance never got partitions;
    /// stopped within 8 s, it did). Apache Kafka starts a new generation instead.
    func waitUntilJoined(_ name: String) async throws {
        try await waitUntilReady(opsPort: opsPort(name), timeout: .seconds(120))
    }

    /// Stops the service with `signal`; returns how it ended (nil when it had to be killed).
    @discardableResult
    func stop(_ name: String, signal: Int32) async -> Subprocess.Termination? {
        let process = lock.withLock { processes.removeValue(forKey: name) }
        return await process?.stopped(by: signal, timeout: .seconds(30))
    }

    func stopAll() {
        let all = lock.withLock { () -> [ChildProcess] in
            defer { processes = [:] }
            return Array(processes.values)
        }
        for process in all { process.stop(signal: SIGKILL) }
    }

    /// Every service up, everything it has read applied and its outbox published.
    func waitUntilIdle(timeout: Duration = .seconds(300)) async throws {
        for name in Self.names {
            try await Wait.until("\(name) is idle", timeout: timeout, every: .milliseconds(250)) { await isIdle(opsPort: self.opsPort(name)) }
        }
    }

    /// Everything the services have logged, over all their runs.
    var logs: String {
        Self.names.map { (try? String(contentsOf: deployment.directory.appendingPathComponent("\($0).log"), encoding: .utf8)) ?? "" }.joined(
            separator: "\n"
        )
    }
}
