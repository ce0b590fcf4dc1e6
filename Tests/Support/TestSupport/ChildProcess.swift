import Foundation
import Synchronization

/// A process started by a test, with its output appended to a log file; stopped by pid.
public final class ChildProcess: Sendable {
    public let logFile: URL
    private let subprocess: Subprocess

    public init(executable: String, arguments: [String], environment: [String: String] = [:], logFile: URL) throws {
        // A restarted service appends to the log of its earlier runs.
        let log = try openForChild(logFile.path, O_WRONLY | O_APPEND | O_CREAT)
        let input = try openForChild("/dev/null", O_RDONLY)
        subprocess = try Subprocess(
            executable: executable,
            arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            input: input.fileDescriptor,
            output: log.fileDescriptor,
            error: log.fileDescriptor
        )
        self.logFile = logFile
    }

    public var pid: Int32 { subprocess.pid }
    public var isRunning: Bool { subprocess.isRunning }
    /// How it ended; nil while it runs.
    public var termination: Subprocess.Termination? { subprocess.termination }

    /// Sends a signal and waits (up to `timeout`) for the process to end; returns how it ended, or
    /// nil when it had to be killed. Synchronous, so that it can run in a `defer`.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) -> Subprocess.Termination? {
        subprocess.send(signal)
        if let ended = subprocess.waitForEnd(timeout: timeout) { return ended }
        subprocess.send(SIGKILL)
        _ = subprocess.waitForEnd(timeout: .seconds(10))
        return nil
    }

    /// ``stop(signal:timeout:)`` for async code: waits on a thread of its own, not on one of the
    /// few threads of Swift's concurrency pool (as many as cores: two here), which a graceful stop
    /// of several seconds would take from every other test running meanwhile.
    @discardableResult
    public func stopped(by signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async -> Subprocess.Termination? {
        await offThePool { self.stop(signal: signal, timeout: timeout) }
    }

    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    deinit {
        subprocess.send(SIGKILL)
    }
}

/// Runs a command to completion and returns its exit status (128 + the signal if one ended it) and
/// its standard output and error. A command still running after `timeout` is killed with everything
/// it started (a grandchild holding its output would keep the reads waiting), and that throws.
public func runToCompletion(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String] = [:],
    timeout: Duration = .seconds(300)
) async throws -> (status: Int32, output: String, errors: String) {
    let output = try makePipe()
    let errors = try makePipe()
    let input = try openForChild("/dev/null", O_RDONLY)
    let process = try Subprocess(
        executable: executable,
        arguments: arguments,
        environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
        input: input.fileDescriptor,
        output: output.write.fileDescriptor,
        error: errors.write.fileDescriptor,
        ownGroup: true
    )
    try output.write.close()
    try errors.write.close()
    let timedOut = Atomic<Bool>(false)
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        timedOut.store(true, ordering: .relaxed)
        process.sendToGroup(SIGKILL)
    }
    defer { watchdog.cancel() }
    // Both pipes are read to their end at once (a child that fills one while the other is read would stall).
    async let out = offThePool { output.read.readDataToEndOfFile() }
    async let err = offThePool { errors.read.readDataToEndOfFile() }
    let (outData, errData) = await (out, err)
    let ended = await process.end(timeout: .seconds(30))
    let errorText = String(decoding: errData, as: UTF8.self)
    guard let ended, !timedOut.load(ordering: .relaxed) else {
        process.sendToGroup(SIGKILL)
        throw TestSupportError(
            "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout); its errors: \(errorText.suffix(2_000))"
        )
    }
    return (ended.status, String(decoding: outData, as: UTF8.self), errorText)
}

/// Runs a short command with no output and returns its exit status; nil if it cannot start or does
/// not end within `timeout` (it is killed then). Synchronous, for checks such as `.enabled(if:)`.
public func exitStatus(of executable: String, _ arguments: [String], timeout: Duration = .seconds(30)) -> Int32? {
    guard let null = try? openForChild("/dev/null", O_RDWR),
        let process = try? Subprocess(
            executable: executable,
            arguments: arguments,
            environment: ProcessInfo.processInfo.environment,
            input: null.fileDescriptor,
            output: null.fileDescriptor,
            error: null.fileDescriptor
        )
    else { return nil }
    guard let ended = process.waitForEnd(timeout: timeout) else {
        process.send(SIGKILL)
        return nil
    }
    return ended.status
}

/// Runs blocking work (reading a pipe to its end) on a dispatch queue of its own, whose thread the
/// system adds as needed, instead of blocking a thread of the concurrency pool.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue(label: "tenancy.test-support.blocking").async { continuation.resume(returning: work()) }
    }
}

extension ChildProcess {
    /// Starts a server that listens on `port` and waits until it accepts connections; when it does
    /// not within 20 seconds, kills it and throws with the end of its log.
    public static func startServer(_ what: String, port: Int, executable: String, arguments: [String], logFile: URL) async throws -> ChildProcess {
        let child = try ChildProcess(executable: executable, arguments: arguments, logFile: logFile)
        do {
            try await Wait.until("\(what) accepts connections on \(port)", timeout: .seconds(20)) { FreePort.isAccepting(port) }
        } catch {
            child.stop(signal: SIGKILL)
            throw TestSupportError("\(error); log:\n\(child.log.suffix(2_000))")
        }
        return child
    }
}
