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
    async let out = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
    async let err = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
    let (outData, errData) = await (out, err)
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
