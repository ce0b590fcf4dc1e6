import Foundation
import Synchronization

/// Progress of long work for a person at a terminal: one line per step on standard error, with the
/// step's number (of how many, when known), the time since the work began, and what it does now.
/// Silent when standard error is not a terminal (a log file, a pipe, CI), unless `TENANCY_PROGRESS=1`
/// says a terminal is watching from further away (a script that runs the work under `swift test`).
public final class ProgressLines: Sendable {
    private let started: ContinuousClock.Instant
    private let total: Int?
    private let enabled: Bool
    private let steps = Mutex(0)
    private let now: @Sendable () -> ContinuousClock.Instant
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - total: how many steps the work has, when it is known.
    ///   - enabled: whether lines are written; by default when someone watches (``isWatched``).
    public init(
        total: Int? = nil,
        enabled: Bool = ProgressLines.isWatched,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.total = total
        self.enabled = enabled
        self.now = now
        self.write = write
        started = now()
    }

    /// Whether a person watches: standard error is a terminal, or `TENANCY_PROGRESS` is `1`.
    public static var isWatched: Bool {
        isatty(STDERR_FILENO) == 1 || ProcessInfo.processInfo.environment["TENANCY_PROGRESS"] == "1"
    }

    /// The next step begins: `[3/9 12.4 s] what`.
    public func step(_ what: String) {
        let number = steps.withLock { count in
            count += 1
            return count
        }
        guard enabled else { return }
        write("[\(number)\(total.map { "/\($0)" } ?? "") \(elapsed)] \(what)\n")
    }

    /// A line within the current step, such as a count reached: `[12.9 s]   what`.
    public func detail(_ what: String) {
        guard enabled else { return }
        write("[\(elapsed)]   \(what)\n")
    }

    /// Seconds since the start, to a tenth below 100 s, whole above; minutes and seconds past an hour's sixtieth.
    private var elapsed: String {
        let seconds = (now() - started) / .seconds(1)
        switch seconds {
        case ..<100: return String(format: "%.1f s", seconds)
        case ..<600: return "\(Int(seconds)) s"
        default: return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
        }
    }
}
