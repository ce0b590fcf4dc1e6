import Foundation
import GRDB
import Kafka
import Logging
import Messaging
import Metrics
import Models
import Synchronization
import TestSupport
import Testing

@testable import Pipeline

/// A command refused for a limit that goes away with time, by a gate or by its handler, is answered
/// `rate_limited` with a retry-after and not recorded: the same command id sent again once the
/// limit allows is executed, not answered with the stored refusal.
@Suite("Rate-limited commands through the pipeline")
struct RateLimitedCommandTests {
    /// Authenticates a command signed with the secret `right` by any key `key_<name>` as a member of `ws_1`; creates one `thing` row per
    /// command, and refuses `rate_limited` (as a cap that frees in a minute) once `thing` holds `cap` rows.
    struct CappedThings: MessageHandler {
        let cap: Int
        let commands = MessageRegistry([SenderScopeTests.CreateThing.self])

        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            let client = try TestKeys.signingClient(of: envelope, service: "sharing", secret: "right", now: now)
            return RateLimitGateTests.member(client.rawValue)
        }

        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") ?? 0 < cap else {
                throw Rejection(.rateLimited, "the things of this workspace are at their cap", retryAfterSeconds: 60)
            }
            let id = context.newID("thing", as: SenderScopeTests.ThingID.self).rawValue
            try db.execute(sql: "INSERT INTO thing (id, owner) VALUES (?, ?)", arguments: [id, sender.scope])
            return CommandOutcome(events: [], created: ["thing_id": id])
        }
    }

    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let clock: TestClock
    let store: ServiceStore
    let processor: BatchProcessor
    private let offset = SenderScopeTests.Offset()

    final class TestClock: Sendable {
        let now: Mutex<Date>
        init(_ start: Date) { now = Mutex(start) }
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    init() throws {
        try self.init(cap: 1_000)
    }

    init(cap: Int) throws {
        let clock = TestClock(start)
        self.clock = clock
        store = try ServiceStore(path: nil) { migrator in
            migrator.registerMigration("things") { db in
                try db.execute(sql: "CREATE TABLE thing (id TEXT PRIMARY KEY, owner TEXT NOT NULL)")
            }
        }
        processor = BatchProcessor(
            store: store,
            handler: CappedThings(cap: cap),
            topics: PipelineTopics(commands: "c", followedEvents: [], events: nil, results: "r", deadLetter: "d"),
            source: "/t",
            eventTag: TestKeys.eventTag(for: "notes"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance, knownTypes: []),
            gates: [RateLimitGate(RateLimitGate.Limits(perKey: RateLimit(perSecond: 1, burst: 2), perWorkspace: nil))],
            clock: { clock.now.withLock { $0 } }
        )
    }

    /// Sends a `CreateThing` with id `id` as `client`; returns its result.
    func send(id: String, as client: String) async throws -> CommandResult {
        let envelope = Envelope(
            id: id,
            type: SenderScopeTests.CreateThing.messageType,
            source: "/tests",
            time: start,
            subject: "ws_1",
            payload: JSONCoding.encode(SenderScopeTests.CreateThing(name: "x"))
        ).signed(by: .apiKey(clientID: ClientID(rawValue: client), secret: "right"), for: "sharing")
        let value = try await processor.publishedResult(of: envelope, at: offset.take())
        return try JSONCoding.decode(CommandResult.self, from: value)
    }

    func inboxRows(_ id: String) async throws -> Int {
        try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE message_id = ?", arguments: [id]) ?? 0 }
    }

    func things() async throws -> Int {
        try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") ?? 0 }
    }

    @Test func aRateLimitedCommandIsAnsweredNotRecordedAndRunsWhenSentAgainLater() async throws {
        #expect(try await send(id: "c-1", as: "key_a").status == .accepted)
        #expect(try await send(id: "c-2", as: "key_a").status == .accepted)
        let refused = try await send(id: "c-3", as: "key_a")
        #expect(refused.status == .rejected && refused.error?.code == .rateLimited && refused.error?.retryAfterSeconds == 1)
        #expect(refused.replayed == nil && refused.created.isEmpty)
        #expect(try await inboxRows("c-3") == 0, "a refusal for a rate limit is not recorded")
        #expect(try await things() == 2)
        #expect(try await send(id: "c-3", as: "key_b").status == .accepted, "another key is not held back")

        clock.advance(0.5)
        let early = try await send(id: "c-3", as: "key_a")
        #expect(early.error?.code == .rateLimited && early.error?.retryAfterSeconds == 0.5 && early.replayed == nil, "decided afresh")

        clock.advance(0.5)
        let later = try await send(id: "c-3", as: "key_a")
        #expect(later.status == .accepted && later.replayed == nil && later.created["thing_id"] != nil)
        #expect(try await inboxRows("c-3") == 2, "recorded once executed, for key_a and key_b")
        #expect(try await things() == 4)

        // A repeat is a command too: it takes a token, then gets the stored result.
        clock.advance(1)
        let repeated = try await send(id: "c-3", as: "key_a")
        #expect(repeated.replayed == true && repeated.created == later.created)
        #expect(try await things() == 4)
    }

    /// A handler's refusal with a retry-after (a cap reached) is not recorded either.
    @Test func aHandlersRefusalWithARetryAfterIsNotRecorded() async throws {
        let capped = try RateLimitedCommandTests(cap: 1)
        #expect(try await capped.send(id: "c-1", as: "key_a").status == .accepted)
        capped.clock.advance(10)
        let refused = try await capped.send(id: "c-2", as: "key_a")
        #expect(refused.error?.code == .rateLimited && refused.error?.retryAfterSeconds == 60)
        #expect(try await capped.inboxRows("c-2") == 0)
        try await capped.store.writer.write { db in try db.execute(sql: "DELETE FROM thing") }
        capped.clock.advance(60)
        let later = try await capped.send(id: "c-2", as: "key_a")
        #expect(later.status == .accepted && later.replayed == nil)
        #expect(try await capped.inboxRows("c-2") == 1)
    }
}
