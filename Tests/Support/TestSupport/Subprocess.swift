import CSpawn
import Foundation
import Synchronization

/// A child process started with `posix_spawn`, reaped (`waitpid`) by this object alone, and never
/// waited for without a bound.
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a socket the child holds
/// reaches end of file, and it closes the parent's other descriptors in the child from a list made
/// just before spawning. A process another test spawns at that moment inherits the new socket, and
/// the first child's end goes unnoticed for as long as the second one lives: `isRunning` stays true
/// and `waitUntilExit()` never returns. A CI run stalled so for 85 minutes (every test waiting, the
/// broker-restart test in `broker.stop()`). Here a child keeps only its three standard streams (every
/// descriptor from 3 up is closed inside the child), and whether it ended is asked of the kernel.
public final class Subprocess: Sendable {
    /// How a process ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        /// Reaped by someone else: nothing is known of how it ended.
        case vanished

        /// The shell's convention: the exit code, or 128 + the signal.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            case .vanished: -1
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exited with \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            case .vanished: "reaped elsewhere"
            }
        }
    }

    public let pid: pid_t
    private let ended = Mutex<Termination?>(nil)

    /// Whether it leads a process group of its own, which ``sendToGroup(_:)`` signals as a whole.
    public let leadsGroup: Bool

    /// Starts `executable` (a path; PATH is not searched) with these descriptors as its standard
    /// input, output and error, and a clean signal state (nothing blocked, every signal at its default).
    /// With `ownGroup` it leads a new process group, so that what it starts can be signalled with it.
    public init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        input: Int32,
        output: Int32,
        error: Int32,
        ownGroup: Bool = false
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(input, STDIN_FILENO), (output, STDOUT_FILENO), (error, STDERR_FILENO)] {
            let failure = posix_spawn_file_actions_adddup2(&actions, source, target)
            guard failure == 0 else {
                throw TestSupportError("cannot give descriptor \(source) to \(executable): \(String(cString: strerror(failure)))")
            }
        }
        guard tenancy_spawn_close_from(&actions, 3) == 0 else { throw TestSupportError("posix_spawn_file_actions_addclosefrom_np failed") }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let failure = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard failure == 0 else { throw TestSupportError("cannot start \(executable): \(String(cString: strerror(failure)))") }
        self.pid = pid
        leadsGroup = ownGroup
    }

    /// How it ended, once it has (it is reaped then); nil while it runs.
    public var termination: Termination? {
        ended.withLock { ended in
            if ended == nil { ended = Self.reap(pid) }
            return ended
        }
    }

    public var isRunning: Bool { termination == nil }

    /// Sends `signal` unless it has ended (once reaped, its pid may be another process's).
    public func send(_ signal: Int32) {
        ended.withLock { ended in
            if ended == nil { ended = Self.reap(pid) }
            if ended == nil { kill(pid, signal) }
        }
    }

    /// Sends `signal` to its whole process group (see `ownGroup`) while it is not reaped: until then
    /// its pid, the group's id, cannot be another's. Without a group of its own, the same as ``send(_:)``.
    public func sendToGroup(_ signal: Int32) {
        guard leadsGroup else { return send(signal) }
        ended.withLock { ended in
            if ended == nil { kill(-pid, signal) }
        }
    }

    /// Waits up to `timeout` for it to end, blocking the calling thread; nil if it still runs.
    public func waitForEnd(timeout: Duration) -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let termination { return termination }
            guard ContinuousClock.now < deadline else { return nil }
            usleep(10_000)
        }
    }

    /// ``waitForEnd(timeout:)`` for async code, on a thread of its own rather than one of the
    /// concurrency pool's few.
    public func end(timeout: Duration) async -> Termination? {
        await offThePool { self.waitForEnd(timeout: timeout) }
    }

    private static func reap(_ pid: pid_t) -> Termination? {
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped == -1 && errno == EINTR
        guard reaped == pid else { return reaped == -1 ? .vanished : nil }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}

/// A pipe whose ends no child inherits unless given one as a standard stream.
public func makePipe() throws -> (read: FileHandle, write: FileHandle) {
    var descriptors: [Int32] = [0, 0]
    guard tenancy_cloexec_pipe(&descriptors) == 0 else { throw TestSupportError("pipe2: \(String(cString: strerror(errno)))") }
    return (FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true), FileHandle(fileDescriptor: descriptors[1], closeOnDealloc: true))
}

/// Opens a file for a child's standard stream (close-on-exec in this process).
public func openForChild(_ path: String, _ flags: Int32) throws -> FileHandle {
    let descriptor = open(path, flags | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw TestSupportError("cannot open \(path): \(String(cString: strerror(errno)))") }
    return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
}
