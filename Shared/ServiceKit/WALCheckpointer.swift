import GRDB
import Logging
import Pipeline
import ServiceLifecycle

/// Copies the write-ahead log into the database file from a connection of its own, every
/// `interval`, so that the batch writer seldom has to.
///
/// SQLite's automatic checkpoint runs in the connection that commits: once the log reached its
/// threshold, the writer copied the whole log and synced the file before its next batch, and the
/// commands in that batch waited. A passive checkpoint here takes no lock the writer needs; the
/// writer's own then finds the log already copied, and only restarts it. (Its effect on latency:
/// docs/performance-log.md.)
final class WALCheckpointer: Service {
    private let path: String
    private let interval: Duration
    private let logger: Logger

    init(path: String, interval: Duration = .milliseconds(200), logger: Logger) {
        self.path = path
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        await cancelWhenGracefulShutdown {
            var lastWarning: ContinuousClock.Instant?
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                guard !Task.isCancelled else { break }
                do {
                    try await connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    // The writer's own checkpoint is running: this one is not needed.
                } catch {
                    // A full or failing disk fails every pass: say so once a minute, not five times a second.
                    guard lastWarning.map({ ContinuousClock.now - $0 >= .seconds(60) }) ?? true else { continue }
                    lastWarning = ContinuousClock.now
                    self.logger.warning("checkpoint failed; the writer's own checkpoint covers it", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
