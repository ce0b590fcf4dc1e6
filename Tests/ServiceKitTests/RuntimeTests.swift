import Foundation
import GRDB
import Kafka
import Models
import Pipeline
import TestSupport
import Testing

@Suite("Handler pipeline against Tansu and SQLite", .serialized, .timeLimit(.minutes(5)))
struct PipelineTests {
    @Test func commandBecomesStateEventsAndOneResult() async throws {
        try await ServiceHarness.with { harness in
            try await harness.send([
                harness.command(CreateNote(text: "Acme", author: "ops@acme.example"), id: "create-note"),
                harness.command(CreateNote(text: "", author: "ops@acme.example"), id: "refused"),
            ])

            let results = try await harness.reader(harness.topics.results)
            let read = try await results.read { !$0.results(for: "create-note").isEmpty && !$0.results(for: "refused").isEmpty }
            let result = try #require(read.results(for: "create-note").first)
            #expect(result.status == .accepted && result.secrets?["key_secret"] != nil)
            let record = try #require(read.first { $0.header(Envelope.Header.subject) == "create-note" })
            #expect(
                record.key == Data("create-note".utf8) && record.header("ce_correlationid") == "create-note"
                    && record.header("ce_type") == CommandResult.messageType.rawValue
            )
            // A refused command gets its one result and leaves nothing behind.
            #expect(read.results(for: "refused").map { $0.error?.code } == [.invalidArgument])

            let noteID = try #require(result.created["note_id"])
            let stored = try await harness.store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT text FROM note WHERE id = ?", arguments: [noteID])
            }
            #expect(stored == ["Acme"])
            #expect(try await harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") } == 1)

            let reader = try await harness.reader(harness.eventTopic)
            let events = try await reader.read { $0.count >= 2 } + reader.drain(for: .seconds(1))
            #expect(
                events.compactMap { $0.header("ce_type") }.sorted() == [NoteCreated.messageType, NoteKeyIssued.messageType].map(\.rawValue).sorted()
            )
            #expect(events.allSatisfy { $0.header("ce_correlationid") == "create-note" && $0.header("ce_source") == harness.definition.source })
            #expect(events.allSatisfy { $0.key.map { String(decoding: $0, as: UTF8.self) } == $0.header("ce_subject") })
            #expect(events.filter { $0.header("ce_type") == NoteCreated.messageType.rawValue }.first?.header("ce_subject") == noteID)
            // The secret never leaves in an event: only the key's id does.
            let secret = try #require(result.secrets?["key_secret"])
            #expect(events.allSatisfy { !String(decoding: $0.value ?? Data(), as: UTF8.self).contains(secret) })
        }
    }

    @Test func repeatedCommandIDHasOneEffectAndGetsTheOriginalResult() async throws {
        try await ServiceHarness.with { harness in
            let command = harness.command(CreateNote(text: "Acme", author: "ops@acme.example"), id: "same-id")
            try await harness.send([command])
            let results = try await harness.reader(harness.topics.results)
            let first = try await results.read { $0.results(for: "same-id").count == 1 }
            // Redelivered later, as Kafka may do, and twice more in one batch.
            try await harness.send([command, command])
            let repeated = try await results.read { $0.results(for: "same-id").count == 2 }
            let answers = (first + repeated + (try await results.drain(for: .seconds(1)))).results(for: "same-id")
            #expect(answers.count == 3)
            let original = answers[0]
            #expect(original.replayed == nil && original.secrets != nil)
            for replay in answers.dropFirst() {
                #expect(replay.replayed == true && replay.secrets == nil && replay.created == original.created && replay.status == .accepted)
            }
            let notes = try await harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") }
            #expect(notes == 1)
            // The two events of the one effect, and nothing more after a while.
            let reader = try await harness.reader(harness.eventTopic)
            let events = try await reader.read { $0.count >= 2 } + reader.drain(for: .seconds(1))
            #expect(events.count == 2)
        }
    }

    @Test func reusedIDWithAnotherPayloadIsRejected() async throws {
        try await ServiceHarness.with { harness in
            try await harness.send([
                harness.command(CreateNote(text: "Acme", author: "ops@acme.example"), id: "key-1"),
                harness.command(CreateNote(text: "Other", author: "ops@acme.example"), id: "key-1"),
            ])
            let read = try await harness.reader(harness.topics.results).read { $0.results(for: "key-1").count == 2 }
            let answers = read.results(for: "key-1")
            #expect(answers[0].status == .accepted)
            #expect(answers[1].status == .rejected && answers[1].error?.code == .idempotencyKeyReused)
            let texts = try await harness.store.writer.read { db in try String.fetchAll(db, sql: "SELECT text FROM note") }
            #expect(texts == ["Acme"])
        }
    }

    @Test func undecodableMessagesAreDeadLetteredAndTheNextIsProcessed() async throws {
        try await ServiceHarness.with { harness in
            let topic = harness.commandTopic
            let valid = harness.command(CreateNote(text: "Acme", author: "ops@acme.example"), id: "valid")
            func variant(id: String, _ change: (inout KafkaRecord) -> Void) -> KafkaRecord {
                var record = harness.command(CreateNote(text: "X \(id)", author: "x@y.example"), id: id)
                change(&record)
                return record
            }
            let poison: [KafkaRecord] = [
                KafkaRecord(topic: topic, key: Data("k".utf8), value: Data("garbage bytes \u{0}\u{1}".utf8)),
                KafkaRecord(topic: topic, key: Data("k".utf8), value: nil),
                variant(id: "unknown-type") {
                    $0.headers = $0.headers.map { $0.name == "ce_type" ? KafkaHeader(name: "ce_type", string: "tenancy.test.Teleport.v1") : $0 }
                },
                variant(id: "no-type") { $0.headers.removeAll { $0.name == "ce_type" } },
                variant(id: "not-json") { $0.value = Data("{not json".utf8) },
                variant(id: "old-spec") {
                    $0.headers = $0.headers.map { $0.name == "ce_specversion" ? KafkaHeader(name: "ce_specversion", string: "0.3") : $0 }
                },
                variant(id: "huge") { $0.value = Data(repeating: 0x20, count: 200_000) },
            ]
            // Decodable but with a misspelt field: refused with the field named, not dead-lettered.
            var misspelt = harness.command(CreateNote(text: "Typo", author: "t@y.example"), id: "misspelt")
            misspelt.value = Data(#"{"text":"Typo","author":"t@y.example","tga":"W"}"#.utf8)
            misspelt = CommandFactory.signed(misspelt, by: TestKeys.operatorCredential)
            try await harness.send(poison + [misspelt, valid])

            let expected: [String: ErrorCode] = [
                "unknown-type": .unknownType, "no-type": .malformedEnvelope, "not-json": .malformedPayload, "old-spec": .malformedEnvelope,
                "huge": .messageTooLarge,
            ]
            // Results are spread over the topic's partitions: wait for every answer, not only the last command's.
            let answered = Set(expected.keys).union(["misspelt", "valid"])
            let results = try await harness.reader(harness.topics.results).read { read in answered.allSatisfy { !read.results(for: $0).isEmpty } }
            #expect(results.results(for: "valid").first?.status == .accepted)
            for (id, code) in expected {
                #expect(results.results(for: id).map { $0.error?.code } == [code], "\(id)")
            }
            #expect(
                results.results(for: "misspelt").first?.error
                    == Rejection(.invalidArgument, "unknown field 'tga' for tenancy.test.CreateNote.v1", field: "tga")
            )

            let deadLetters = try await harness.reader(harness.topics.deadLetter)
            // Read past the seventh entry, so that a wrongly dead-lettered eighth (the misspelt command) would be seen.
            let dead = try await deadLetters.read { $0.count >= 7 } + deadLetters.drain(for: .seconds(2))
            #expect(dead.count == 7)
            #expect(dead.allSatisfy { $0.header(DeadLetterHeader.originalTopic) == topic && $0.header(DeadLetterHeader.originalOffset) != nil })
            #expect(
                dead.allSatisfy {
                    $0.header(DeadLetterHeader.service) == harness.definition.source && $0.header(DeadLetterHeader.errorMessage)?.isEmpty == false
                }
            )
            // The caller's credential is never copied to the dead-letter topic.
            #expect(dead.allSatisfy { $0.header(Envelope.Header.authorization) == nil })
            #expect(dead.contains { $0.value == Data("garbage bytes \u{0}\u{1}".utf8) })
            #expect(
                Set(dead.compactMap { $0.header(DeadLetterHeader.errorCode) }) == [
                    "malformed_envelope", "malformed_payload", "unknown_type", "message_too_large",
                ]
            )
        }
    }

    @Test func restartResumesFromStoredOffsetsWithoutReprocessing() async throws {
        try await ServiceHarness.with { harness in
            try await harness.send((0..<20).map { harness.command(CreateNote(text: "Note \($0)", author: "o\($0)@x.example"), id: "before-\($0)") })
            let results = try await harness.reader(harness.topics.results)
            _ = try await results.read { messages in (0..<20).allSatisfy { !messages.results(for: "before-\($0)").isEmpty } }
            try await harness.stopService()
            #expect(try harness.store.outboxDepth() == 0, "graceful shutdown drains the outbox")

            try await harness.startService()
            try await harness.send([harness.command(CreateNote(text: "After", author: "a@x.example"), id: "after")])
            let later = try await results.read { !$0.results(for: "after").isEmpty }
            #expect(later.allSatisfy { $0.header(Envelope.Header.subject) == "after" }, "nothing before the restart was answered again")
            let count = try await harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") }
            #expect(count == 21)
        }
    }
}
