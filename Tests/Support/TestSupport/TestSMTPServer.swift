import Foundation

/// A real SMTP server (aiosmtpd, `deploy/local/mail-catcher.py`) on a free loopback port. Each
/// accepted message is a file in ``directory``; recipients ending in `+reject` get 550, `+defer` 451.
public final class TestSMTPServer: Sendable {
    public let port: Int
    public let directory: URL
    private let child: ChildProcess

    /// - Parameters:
    ///   - auth: `user:password` to require AUTH.
    ///   - tls: certificate and key files (PEM) to offer and require STARTTLS.
    ///   - implicitTLS: with `tls`, speak TLS from the first byte (SMTPS) instead.
    ///   - port: a fixed port, to start a server again where clients expect it.
    ///   - delay: how long it waits before accepting each message (a slow server).
    public static func start(
        auth: String? = nil,
        tls: (certificate: String, key: String)? = nil,
        implicitTLS: Bool = false,
        port fixed: Int? = nil,
        directory existing: URL? = nil,
        delay: Duration = .zero
    ) async throws -> TestSMTPServer {
        let port = try fixed ?? FreePort.next()
        let directory = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(port)-\(UUID().uuidString.prefix(8))")
        var arguments = [script, "--port", String(port), "--directory", directory.path]
        if let auth { arguments += ["--auth", auth] }
        if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] + (implicitTLS ? ["--implicit-tls"] : []) }
        if delay > .zero {
            arguments += ["--delay-ms", String(delay.components.seconds * 1_000 + delay.components.attoseconds / 1_000_000_000_000_000)]
        }
        let child = try await ChildProcess.startServer(
            "SMTP server",
            port: port,
            executable: Repository.python,
            arguments: arguments,
            logFile: directory.appendingPathExtension("log")
        )
        return TestSMTPServer(port: port, directory: directory, child: child)
    }

    private init(port: Int, directory: URL, child: ChildProcess) {
        self.port = port
        self.directory = directory
        self.child = child
    }

    public func stop() {
        child.stop(signal: SIGKILL, timeout: .seconds(5))
    }

    /// The messages received so far, oldest first, each as its raw text.
    public func messages() -> [String] {
        messageFiles().compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    /// How many messages were received so far, without reading them.
    public func count() -> Int {
        messageFiles().count
    }

    private func messageFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
    }

    private static var script: String {
        Repository.root.appendingPathComponent("deploy/local/mail-catcher.py").path
    }
}
