import Foundation

/// A process started by a test, with its output appended to a log file; stopped by pid.
public final class ChildProcess: @unchecked Sendable {
    public let process: Process
    public let logFile: URL

    public init(executable: String, arguments: [String], environment: [String: String] = [:], logFile: URL) throws {
        // A restarted service appends to the log of its earlier runs.
        guard FileManager.default.fileExists(atPath: logFile.path) || FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw TestSupportError("cannot create the log file \(logFile.path)")
        }
        let handle = try FileHandle(forWritingTo: logFile)
        handle.seekToEndOfFile()
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = handle
        process.standardError = handle
        self.logFile = logFile
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Sends a signal and waits (up to `timeout`) for the process to end; returns its exit status,
    /// or nil when it had to be killed. Synchronous, so that it can run in a `defer`.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, signal)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            usleep(10_000)
        }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// ``stop(signal:timeout:)`` for async code: waits on a thread of its own, not on one of the
    /// few threads of Swift's concurrency pool (as many as cores: two here), which a graceful stop
    /// of several seconds would take from every other test running meanwhile.
    @discardableResult
    public func stopped(by signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async -> Int32? {
        await offThePool { self.stop(signal: signal, timeout: timeout) }
    }

    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}

/// Runs a command to completion and returns its exit status and standard output.
public func runToCompletion(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    async let out = offThePool { output.fileHandleForReading.readDataToEndOfFile() }
    async let err = offThePool { errors.fileHandleForReading.readDataToEndOfFile() }
    let (outData, errData) = await (out, err)
    await offThePool { process.waitUntilExit() }
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs blocking work (reading a pipe to its end, waiting for a process) on a dispatch queue of its
/// own, whose thread the system adds as needed, instead of blocking a thread of the concurrency pool.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue(label: "tenancy.test-support.blocking").async { continuation.resume(returning: work()) }
    }
}
