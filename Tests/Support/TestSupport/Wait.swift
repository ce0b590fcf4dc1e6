/// Polling until a condition holds, for tests that watch other processes.
public enum Wait {
    public static func until(
        _ what: String,
        timeout: Duration = .seconds(30),
        every interval: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        // Checked once more after the deadline: on a loaded machine this task may resume from its
        // sleep only after other tests' synchronous waits have let go of the (two) pool threads.
        while true {
            if try await condition() { return }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: interval)
        }
        throw TestSupportError("timed out after \(timeout) waiting until \(what)")
    }
}
