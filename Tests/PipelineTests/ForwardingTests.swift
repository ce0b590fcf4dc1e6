import Foundation
import GRDB
import Kafka
import Messaging
import MetricsTestKit
import Models
import TestSupport
import Testing

@testable import Pipeline

/// A command read in the partition of a task that does not own what it changes is forwarded, as it
/// came and unrecorded, to the partition of the task that does; that task decides it and answers,
/// once. A command whose credential does not hold is answered where it lands.
@Suite("Commands forwarded to their owner's task")
struct ForwardingTests {
    /// Authenticates a command signed with the secret `right` by `key_<workspace>` as a member of
    /// `ws_<workspace>`; each command it decides is one `thing` row of the caller's workspace, whose
    /// task owns it.
    struct Owned: MessageHandler {
        let commands = MessageRegistry([SenderScopeTests.CreateThing.self])

        func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
            let client = try TestKeys.signingClient(of: envelope, service: "sharing", secret: "right", now: now)
            let caller = Caller(
                userID: UserID(rawValue: "usr_1"),
                clientID: client,
                workspaceID: WorkspaceID(rawValue: "ws_" + client.rawValue.dropFirst("key_".count)),
                organizationID: OrganizationID(rawValue: "org_1"),
                role: .owner,
                scopes: []
            )
            return Sender(.member(caller))
        }

        func ownerKey(of command: any Message, from sender: Sender, db: Database) throws -> String? {
            guard case .member(let caller)? = sender.principal else { return nil }
            return caller.workspaceID.rawValue
        }

        func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome
        {
            guard case .member(let caller)? = sender.principal else { throw Rejection(.forbidden, "no") }
            try db.execute(sql: "INSERT INTO thing (workspace) VALUES (?)", arguments: [caller.workspaceID.rawValue])
            return CommandOutcome(events: [])
        }
    }

    static let partitions: Int32 = 3
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let store: ServiceStore
    let metrics = TestMetrics()
    let processor: BatchProcessor

    init() throws {
        store = try ServiceStore(path: nil) { migrator in
            migrator.registerMigration("things") { db in try db.execute(sql: "CREATE TABLE thing (workspace TEXT NOT NULL)") }
        }
        processor = .commands(of: Owned(), store: store, metrics: metrics, partitions: Self.partitions, clock: { [now] in now })
    }

    /// A command of `workspace`'s key, sent with the record key `key`, as read at `partition`.
    func command(
        id: String,
        of workspace: String,
        key: String,
        partition: Int32,
        offset: Int64 = 0,
        secret: String = "right",
        trace: TraceContext? = nil
    ) -> KafkaConsumedMessage {
        var envelope = Envelope(
            id: id,
            type: SenderScopeTests.CreateThing.messageType,
            source: "/tests",
            time: now,
            subject: nil,
            traceContext: trace,
            payload: JSONCoding.encode(SenderScopeTests.CreateThing(name: "x"))
        )
        envelope.recordKey = key
        envelope = envelope.signed(by: .apiKey(clientID: ClientID(rawValue: "key_\(workspace)"), secret: secret), for: "sharing")
        let record = KafkaRecord(envelope, topic: "c", key: key)
        return KafkaConsumedMessage(topic: "c", partition: partition, offset: offset, key: record.key, value: record.value, headers: record.headers)
    }

    func outbox() async throws -> [KafkaRecord] {
        try await store.writer.read { db in try Outbox.oldest(100, db: db) }.map(\.record)
    }

    func things() async throws -> Int {
        try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") ?? 0 }
    }

    @Test func aCommandInAnotherTasksPartitionIsForwardedAsItCameAndDecidedByItsOwner() async throws {
        let owner = KeyPartitioner.partition(of: "ws_acme", count: Self.partitions)
        let elsewhere = (owner + 1) % Self.partitions
        // Keyed by the client id, as a client that does not know its key's workspace sends it.
        let misKeyed = command(id: "cmd-1", of: "acme", key: "key_acme", partition: elsewhere)
        try await processor.process([misKeyed])

        let forwarded = try #require(try await outbox().first)
        #expect(try await outbox().count == 1, "no result here: the owner answers")
        #expect(forwarded.topic == "c" && forwarded.partition == owner)
        #expect(forwarded.key == misKeyed.key && forwarded.value == misKeyed.value, "the key and the value its signature covers, unchanged")
        #expect(forwarded.headers.dropLast() == misKeyed.headers[...] && forwarded.header("tenancy-forwarded-from") == String(elsewhere))
        #expect(try await things() == 0)
        #expect(try await store.writer.read { db in try Inbox.entries("cmd-1", sender: "key_acme", db: db).own == nil }, "nothing recorded")
        #expect(try metrics.expectCounter("tenancy_commands_forwarded_total").totalValue == 1)

        // Read again in the owner's partition, it is decided there, once; a second forwarded copy
        // (the client sent it again) is a repeat.
        for _ in 0..<2 {
            try await processor.process([
                KafkaConsumedMessage(topic: "c", partition: owner, offset: 0, key: forwarded.key, value: forwarded.value, headers: forwarded.headers)
            ])
            try await store.writer.write { db in try db.execute(sql: "DELETE FROM consumer_offset") }
        }
        #expect(try await things() == 1)
        let results = try await outbox().filter { $0.topic == "r" }.compactMap { CommandResult.openingSecrets($0.value ?? Data()) }
        #expect(results.map(\.status) == [.accepted, .accepted] && results.last?.replayed == true)
        #expect(try metrics.expectCounter("tenancy_commands_forwarded_total").totalValue == 1)
    }

    @Test func aCommandWhoseCredentialFailsIsAnsweredWhereItLands() async throws {
        let elsewhere = (KeyPartitioner.partition(of: "ws_acme", count: Self.partitions) + 1) % Self.partitions
        try await processor.process([command(id: "cmd-2", of: "acme", key: "key_acme", partition: elsewhere, secret: "wrong")])
        let rows = try await outbox()
        #expect(rows.map(\.topic) == ["r"] && rows.first?.partition == nil)
        #expect(CommandResult.openingSecrets(rows.first?.value ?? Data())?.error?.code == .unauthenticated)
    }
}
