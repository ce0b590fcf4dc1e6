/// Polling until a condition holds, for tests that watch other processes.
public enum Wait {
    public static func until(_ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: interval)
        }
        throw TestSupportError("timed out after \(timeout) waiting until \(what)")
    }
}
