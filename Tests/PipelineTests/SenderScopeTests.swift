import Foundation
import GRDB
import Hashing
import Kafka
import Messaging
import Models
import TestSupport
import Testing

@testable import Pipeline

/// A command id is its sender's idempotency key: the pipeline authenticates before it looks the id
/// up, keeps commands under their id and sender, answers a repeat only to its sender, and answers
/// a refused credential without remembering it.
@Suite("Command ids per sender")
struct SenderScopeTests {
    /// Authenticates a command signed with the secret `right` by any key `key_<name>` as the member `key_<name>`; creates one `thing` row
    /// per command, with a new id unless the command names one.
    struct Things: MessageHandler {
        let commands = MessageRegistry([CreateThing.self])

        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            let client = try TestKeys.signingClient(of: envelope, service: "sharing", secret: "right", now: now)
            let caller = Caller(
                userID: UserID(rawValue: "usr_1"),
                clientID: client,
                workspaceID: WorkspaceID(rawValue: "ws_1"),
                organizationID: OrganizationID(rawValue: "org_1"),
                role: .owner,
                scopes: []
            )
            return Sender(.member(caller))
        }

        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            guard let command = command as? CreateThing, case .member(let caller)? = sender.principal else { throw Rejection(.forbidden, "no") }
            let id = command.id ?? context.newID("thing", as: ThingID.self).rawValue
            try db.execute(sql: "INSERT INTO thing (id, owner) VALUES (?, ?)", arguments: [id, caller.clientID.rawValue])
            return CommandOutcome(events: [], created: ["thing_id": id], secrets: ["thing_secret": context.newSecret()])
        }
    }

    struct CreateThing: Message, Hashable {
        static let messageType: MessageType = "tenancy.test.CreateThing.v1"
        var name: String
        var id: String?
    }

    enum ThingTag: IdentifierKind { static let prefix = "thing" }
    typealias ThingID = Identifier<ThingTag>

    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let store: ServiceStore
    let processor: BatchProcessor
    private let offset = Offset()

    init() throws {
        store = try ServiceStore(path: nil) { migrator in
            migrator.registerMigration("things") { db in
                try db.execute(sql: "CREATE TABLE thing (id TEXT PRIMARY KEY, owner TEXT NOT NULL)")
            }
        }
        processor = .commands(of: Things(), store: store, clock: { [now] in now })
    }

    /// Next offset on the one command partition, so that each message is new to the processor.
    final class Offset: @unchecked Sendable {
        private var next: Int64 = 0
        private let lock = NSLock()
        func take() -> Int64 {
            lock.withLock {
                defer { next += 1 }
                return next
            }
        }
    }

    /// Sends `command` with id `id` as `client` (`right` secret unless `secret` says otherwise); returns its result.
    func send(_ command: CreateThing, id: String, as client: String, secret: String = "right") async throws -> CommandResult {
        try await sendPublished(command, id: id, as: client, secret: secret).result
    }

    /// ``send(_:id:as:secret:)`` with the reply key `replyKey`; returns the result with its secrets
    /// opened, and as it was published.
    func sendPublished(
        _ command: CreateThing,
        id: String,
        as client: String,
        secret: String = "right",
        replyKey: String? = TestReplyKey.encoded
    ) async throws -> (result: CommandResult, published: String) {
        let envelope = Envelope(
            id: id,
            type: CreateThing.messageType,
            source: "/tests",
            time: now,
            subject: "ws_1",
            replyKey: replyKey,
            payload: JSONCoding.encode(command)
        ).signed(by: .apiKey(clientID: ClientID(rawValue: client), secret: secret), for: "sharing")
        let value = try await processor.publishedResult(of: envelope, at: offset.take())
        return (try #require(CommandResult.openingSecrets(value)), String(decoding: value, as: UTF8.self))
    }

    func inboxRows(_ id: String) async throws -> [String] {
        try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT sender FROM inbox WHERE message_id = ? ORDER BY sender", arguments: [id])
        }
    }

    @Test func theSameIDFromAnotherSenderIsAnotherCommandAndEachRepeatGoesToItsSender() async throws {
        let thing = CreateThing(name: "x")
        let first = try await send(thing, id: "c-1", as: "key_a")
        let other = try await send(thing, id: "c-1", as: "key_b")
        #expect(first.status == .accepted && other.status == .accepted && other.replayed == nil && other.secrets != nil)
        #expect(first.created["thing_id"] != other.created["thing_id"])
        let againA = try await send(thing, id: "c-1", as: "key_a")
        let againB = try await send(thing, id: "c-1", as: "key_b")
        #expect(againA.replayed == true && againA.created == first.created && againA.secrets == nil)
        #expect(againB.replayed == true && againB.created == other.created && againB.secrets == nil)
        #expect(try await inboxRows("c-1") == ["key_a", "key_b"])
        let owners = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT owner FROM thing ORDER BY owner") }
        #expect(owners == ["key_a", "key_b"])
    }

    @Test func aResultNamesItsSenderAndARefusedCredentialNamesNone() async throws {
        _ = try await send(CreateThing(name: "x"), id: "c-actor", as: "key_a")
        _ = try await send(CreateThing(name: "x"), id: "c-anonymous", as: "key_a", secret: "wrong")
        let records = try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record)
        func actors(of id: String) -> [String?] {
            records.filter { $0.header(Envelope.Header.subject) == id }.map { $0.header(Envelope.Header.actor) }
        }
        #expect(actors(of: "c-actor") == ["key_a"])
        #expect(actors(of: "c-anonymous") == [nil], "a refused credential names nobody")
    }

    @Test func aRefusedCredentialIsAnsweredAndNotRemembered() async throws {
        let refused = try await send(CreateThing(name: "x"), id: "c-2", as: "key_a", secret: "wrong")
        #expect(refused.status == .rejected && refused.error?.code == .unauthenticated && refused.created.isEmpty)
        #expect(try await inboxRows("c-2").isEmpty)
        // The id's owner is not blocked, and a known id gives a wrong credential nothing.
        let owned = try await send(CreateThing(name: "x"), id: "c-2", as: "key_a")
        #expect(owned.status == .accepted && owned.replayed == nil)
        let probed = try await send(CreateThing(name: "x"), id: "c-2", as: "key_a", secret: "wrong")
        #expect(probed.error?.code == .unauthenticated && probed.created.isEmpty)
    }

    @Test func aReusedIDWithAnotherPayloadIsRefusedOnlyForItsOwnSender() async throws {
        _ = try await send(CreateThing(name: "x"), id: "c-3", as: "key_a")
        #expect(try await send(CreateThing(name: "y"), id: "c-3", as: "key_a").error?.code == .idempotencyKeyReused)
        #expect(try await send(CreateThing(name: "y"), id: "c-3", as: "key_b").status == .accepted)
        let fingerprints = try await store.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT fingerprint FROM inbox WHERE message_id = 'c-3'")
        }
        #expect(fingerprints.count == 2 && fingerprints[0] != fingerprints[1])
    }

    @Test func oneTimeSecretsLeaveOnlySealedToTheReplyKey() async throws {
        let (result, published) = try await sendPublished(CreateThing(name: "x"), id: "s-1", as: "key_a")
        let secret = try #require(result.secrets?["thing_secret"])
        #expect(!published.contains(secret) && published.contains("sealed_secrets") && !published.contains("\"secrets\""))
        let replay = try await sendPublished(CreateThing(name: "x"), id: "s-1", as: "key_a")
        #expect(replay.result.replayed == true && replay.result.secrets == nil && !replay.published.contains("sealed_secrets"))
    }

    @Test func aCommandWithASecretToReturnButNoReplyKeyIsRefusedAndChangesNothing() async throws {
        let (result, published) = try await sendPublished(CreateThing(name: "x", id: "thing_unsealed"), id: "s-2", as: "key_a", replyKey: nil)
        #expect(result.error?.code == .invalidArgument && result.error?.field == "ce_replykey", "\(published)")
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") } == 0)
    }

    @Test func aRowThatExistsAlreadyIsRefusedAsAlreadyExists() async throws {
        #expect(try await send(CreateThing(name: "x", id: "thing_1"), id: "c-4", as: "key_a").status == .accepted)
        let collided = try await send(CreateThing(name: "x", id: "thing_1"), id: "c-5", as: "key_b")
        #expect(collided.error?.code == .alreadyExists)
        let owners = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT owner FROM thing") }
        #expect(owners == ["key_a"])
    }

    /// `pipeline.v4` keeps events under '', commands recorded without a sender under '*' (replayed
    /// only for exactly the same command, to a sender with a valid credential), and drops stored
    /// refusals of a credential.
    @Test func inboxRowsFromBeforeSendersAreKeptOrDropped() async throws {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        ServiceStore.registerPipelineMigrations(&migrator)
        try migrator.migrate(queue, upTo: "pipeline.v3: compact outbox headers")
        let thing = CreateThing(name: "x")
        let fingerprint = SHA256Digest.of([Data(CreateThing.messageType.rawValue.utf8), JSONCoding.encode(thing)])
        let accepted = CommandResult.accepted("old-1", type: CreateThing.messageType, created: ["thing_id": "thing_old"]).forReplay
        let squatted = CommandResult.rejected("old-2", type: CreateThing.messageType.rawValue, Rejection(.unauthenticated, "no"))
        try await queue.write { db in
            for (id, result) in [("event-1", nil), ("old-1", JSONCoding.encode(accepted)), ("old-2", JSONCoding.encode(squatted))]
                as [(String, Data?)]
            {
                try db.execute(
                    sql: "INSERT INTO inbox (message_id, message_type, fingerprint, result, processed_at) VALUES (?, 't', ?, ?, ?)",
                    arguments: [id, result == nil ? Data() : fingerprint, result, StoredTimestamp(now)]
                )
            }
        }
        try migrator.migrate(queue)
        let rows = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT message_id, sender FROM inbox ORDER BY message_id").map {
                "\($0["message_id"] as String):\($0["sender"] as String)"
            }
        }
        #expect(rows == ["event-1:", "old-1:*"])

        // The same through the pipeline: the old row is replayed for the same command only.
        try await store.writer.write { db in
            try db.execute(
                sql: "INSERT INTO inbox (message_id, sender, message_type, fingerprint, result, processed_at) VALUES ('old-1', '*', 't', ?, ?, ?)",
                arguments: [fingerprint, JSONCoding.encode(accepted), StoredTimestamp(now)]
            )
        }
        let replayed = try await send(thing, id: "old-1", as: "key_a")
        #expect(replayed.replayed == true && replayed.created == ["thing_id": "thing_old"])
        #expect(try await send(thing, id: "old-1", as: "key_a", secret: "wrong").error?.code == .unauthenticated)
        let different = try await send(CreateThing(name: "other"), id: "old-1", as: "key_b")
        #expect(different.status == .accepted && different.replayed == nil && different.created["thing_id"] != "thing_old")
    }
}
