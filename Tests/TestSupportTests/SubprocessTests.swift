import Foundation
import TestSupport
import Testing

/// The test processes' own process handling: what a child inherits, how its end is seen, and that
/// no wait is without a bound.
@Suite("Subprocess", .timeLimit(.minutes(1)))
struct SubprocessTests {
    /// A descriptor this process opened without close-on-exec (as other code does, and as a pipe or
    /// socket made by another thread at the same moment may be) stays out of the child.
    @Test func aChildKeepsOnlyItsStandardStreams() throws {
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let null = try openForChild("/dev/null", O_RDWR)
        let child = try Subprocess(
            executable: "/bin/sleep",
            arguments: ["30"],
            environment: [:],
            input: null.fileDescriptor,
            output: null.fileDescriptor,
            error: null.fileDescriptor
        )
        defer { child.send(SIGKILL) }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/fd")
        #expect(descriptors.sorted() == ["0", "1", "2"])
    }

    @Test func howAChildEndedIsReadFromItsStatus() async throws {
        let null = try openForChild("/dev/null", O_RDWR)
        func start(_ script: String) throws -> Subprocess {
            try Subprocess(
                executable: "/bin/sh",
                arguments: ["-c", script],
                environment: [:],
                input: null.fileDescriptor,
                output: null.fileDescriptor,
                error: null.fileDescriptor
            )
        }
        let lingering = try start("sleep 30")
        let quick = try start("exit 3")
        #expect(await quick.end(timeout: .seconds(10)) == .exited(3))
        #expect(lingering.isRunning)
        lingering.send(SIGKILL)
        #expect(await lingering.end(timeout: .seconds(10)) == .signalled(SIGKILL))
        #expect(lingering.termination?.status == 128 + SIGKILL)
    }

    @Test func runToCompletionKeepsOutputErrorsAndStatus() async throws {
        let run = try await runToCompletion("/bin/sh", ["-c", "echo out; echo err >&2; exit 4"])
        #expect(run.status == 4)
        #expect(run.output == "out\n")
        #expect(run.errors == "err\n")
    }

    @Test func aCommandPastItsTimeIsKilledAndReported() async throws {
        await #expect(throws: TestSupportError.self) {
            _ = try await runToCompletion("/bin/sleep", ["30"], timeout: .seconds(1))
        }
    }

    @Test func aCommandPastItsTimeIsKilledWithWhatItStarted() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("grandchild-\(UUID().uuidString).pid")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        await #expect(throws: TestSupportError.self) {
            _ = try await runToCompletion(
                "/bin/sh",
                ["-c", "/bin/sleep 60 > /dev/null 2>&1 & echo $! > '\(pidFile.path)'; wait"],
                timeout: .seconds(1)
            )
        }
        let written = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let grandchild = try #require(pid_t(written))
        defer { kill(grandchild, SIGKILL) }
        try await Wait.until("the background sleep is gone", timeout: .seconds(10)) { !isAlive(grandchild) }
    }

    @Test func exitStatusOfAShortCommand() {
        #expect(exitStatus(of: "/bin/sh", ["-c", "exit 0"]) == 0)
        #expect(exitStatus(of: "/bin/sh", ["-c", "exit 2"]) == 2)
        #expect(exitStatus(of: "/nonexistent/program", []) == nil)
    }
}

/// Whether `pid` runs: it exists and is not a zombie waiting for its parent.
private func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let afterName = stat.range(of: ") ", options: .backwards)
    else { return false }
    return stat[afterName.upperBound...].first != "Z"
}
