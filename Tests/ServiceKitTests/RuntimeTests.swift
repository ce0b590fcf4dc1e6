import Foundation
import GRDB
import Kafka
import Models
import Pipeline
import Testing
import TestSupport

@Suite("Handler pipeline against Tansu and SQLite", .serialized, .timeLimit(.minutes(5)))
struct PipelineTests {
    @Test func commandBecomesStateEventsAndOneResult() async throws {
        try await ServiceHarness.with { harness in
            try await harness.send([harness.command(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), id: "create-acme")])

            let results = try await harness.reader(harness.topics.commandResults)
            let read = try await results.read { !$0.results(for: "create-acme").isEmpty }
            let result = try #require(read.results(for: "create-acme").first)
            #expect(result.status == .accepted && result.secrets?["client_secret"] != nil)
            let record = try #require(read.first { $0.header(Envelope.Header.subject) == "create-acme" })
            #expect(record.key == Data("create-acme".utf8) && record.header("ce_correlationid") == "create-acme" && record.header("ce_type") == CommandResult.messageType.rawValue)

            let organizationID = try #require(result.created["organization_id"])
            let workspaceID = try #require(result.created["workspace_id"])
            let stored = try await harness.store.writer.read { db in
                try String.fetchOne(db, sql: "SELECT name FROM organization WHERE id = ?", arguments: [organizationID])
            }
            #expect(stored == "Acme")

            let events = try await harness.reader(harness.topics.lifecycleEvents).read { $0.count >= 4 }
            #expect(events.compactMap { $0.header("ce_type") } .sorted() == [
                APIKeyIssued.messageType, MemberAdded.messageType, OrganizationCreated.messageType, WorkspaceCreated.messageType,
            ].map(\.rawValue).sorted())
            #expect(events.allSatisfy { $0.header("ce_correlationid") == "create-acme" && $0.header("ce_source") == "/tenancy/lifecycle" })
            #expect(events.allSatisfy { $0.key.map { String(decoding: $0, as: UTF8.self) } == $0.header("ce_subject") })
            #expect(events.filter { $0.header("ce_type") == WorkspaceCreated.messageType.rawValue }.first?.header("ce_subject") == workspaceID)
            // The secret never leaves in an event: only its hash does.
            let secret = try #require(result.secrets?["client_secret"])
            #expect(events.allSatisfy { !String(decoding: $0.value ?? Data(), as: UTF8.self).contains(secret) })
        }
    }


    @Test func repeatedCommandIDHasOneEffectAndGetsTheOriginalResult() async throws {
        try await ServiceHarness.with { harness in
            let command = harness.command(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), id: "same-id")
            try await harness.send([command])
            let results = try await harness.reader(harness.topics.commandResults)
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
            let organizations = try await harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organization") }
            #expect(organizations == 1)
            // The four events of the one effect, and nothing more after a while.
            let reader = try await harness.reader(harness.topics.lifecycleEvents)
            let events = try await reader.read { $0.count >= 4 } + reader.drain(for: .seconds(1))
            #expect(events.count == 4)
        }
    }


    @Test func reusedIDWithAnotherPayloadIsRejected() async throws {
        try await ServiceHarness.with { harness in
            try await harness.send([
                harness.command(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), id: "key-1"),
                harness.command(CreateOrganization(name: "Other", ownerEmail: "ops@acme.example"), id: "key-1"),
            ])
            let read = try await harness.reader(harness.topics.commandResults).read { $0.results(for: "key-1").count == 2 }
            let answers = read.results(for: "key-1")
            #expect(answers[0].status == .accepted)
            #expect(answers[1].status == .rejected && answers[1].error?.code == .idempotencyKeyReused)
            let names = try await harness.store.writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM organization") }
            #expect(names == ["Acme"])
        }
    }


    @Test func undecodableMessagesAreDeadLetteredAndTheNextIsProcessed() async throws {
        try await ServiceHarness.with { harness in
            let topic = harness.topics.lifecycleCommands
            let valid = harness.command(CreateOrganization(name: "Acme", ownerEmail: "ops@acme.example"), id: "valid")
            func variant(id: String, _ change: (inout KafkaRecord) -> Void) -> KafkaRecord {
                var record = harness.command(CreateOrganization(name: "X \(id)", ownerEmail: "x@y.example"), id: id)
                change(&record)
                return record
            }
            let poison: [KafkaRecord] = [
                KafkaRecord(topic: topic, key: Data("k".utf8), value: Data("garbage bytes \u{0}\u{1}".utf8)),
                KafkaRecord(topic: topic, key: Data("k".utf8), value: nil),
                variant(id: "unknown-type") { $0.headers = $0.headers.map { $0.name == "ce_type" ? KafkaHeader(name: "ce_type", string: "tenancy.lifecycle.Teleport.v1") : $0 } },
                variant(id: "no-type") { $0.headers.removeAll { $0.name == "ce_type" } },
                variant(id: "not-json") { $0.value = Data("{not json".utf8) },
                variant(id: "old-spec") { $0.headers = $0.headers.map { $0.name == "ce_specversion" ? KafkaHeader(name: "ce_specversion", string: "0.3") : $0 } },
                variant(id: "huge") { $0.value = Data(repeating: 0x20, count: 200_000) },
            ]
            // Decodable but with a misspelt field: refused with the field named, not dead-lettered.
            var misspelt = harness.command(CreateOrganization(name: "Typo", ownerEmail: "t@y.example"), id: "misspelt")
            misspelt.value = Data(#"{"name":"Typo","owner_email":"t@y.example","workspace_nme":"W"}"#.utf8)
            try await harness.send(poison + [misspelt, valid])

            let expected: [String: ErrorCode] = [
                "unknown-type": .unknownType, "no-type": .malformedEnvelope, "not-json": .malformedPayload, "old-spec": .malformedEnvelope, "huge": .messageTooLarge,
            ]
            // Results are spread over the topic's partitions: wait for every answer, not only the last command's.
            let answered = Set(expected.keys).union(["misspelt", "valid"])
            let results = try await harness.reader(harness.topics.commandResults).read { read in answered.allSatisfy { !read.results(for: $0).isEmpty } }
            #expect(results.results(for: "valid").first?.status == .accepted)
            for (id, code) in expected {
                #expect(results.results(for: id).map { $0.error?.code } == [code], "\(id)")
            }
            #expect(results.results(for: "misspelt").first?.error == Rejection(.invalidArgument, "unknown field 'workspace_nme' for tenancy.lifecycle.CreateOrganization.v1", field: "workspace_nme"))

            let deadLetters = try await harness.reader(harness.topics.deadLetter)
            // Read past the seventh entry, so that a wrongly dead-lettered eighth (the misspelt command) would be seen.
            let dead = try await deadLetters.read { $0.count >= 7 } + deadLetters.drain(for: .seconds(2))
            #expect(dead.count == 7)
            #expect(dead.allSatisfy { $0.header(DeadLetterHeader.originalTopic) == topic && $0.header(DeadLetterHeader.originalOffset) != nil })
            #expect(dead.allSatisfy { $0.header(DeadLetterHeader.service) == "/tenancy/lifecycle" && $0.header(DeadLetterHeader.errorMessage)?.isEmpty == false })
            // The caller's credential is never copied to the dead-letter topic.
            #expect(dead.allSatisfy { $0.header(Envelope.Header.authorization) == nil })
            #expect(dead.contains { $0.value == Data("garbage bytes \u{0}\u{1}".utf8) })
            #expect(Set(dead.compactMap { $0.header(DeadLetterHeader.errorCode) }) == ["malformed_envelope", "malformed_payload", "unknown_type", "message_too_large"])
        }
    }


    @Test func restartResumesFromStoredOffsetsWithoutReprocessing() async throws {
        try await ServiceHarness.with { harness in
            try await harness.send((0..<20).map { harness.command(CreateOrganization(name: "Org \($0)", ownerEmail: "o\($0)@x.example"), id: "before-\($0)") })
            let results = try await harness.reader(harness.topics.commandResults)
            _ = try await results.read { messages in (0..<20).allSatisfy { !messages.results(for: "before-\($0)").isEmpty } }
            try await harness.stopService()
            #expect(try harness.store.outboxDepth() == 0, "graceful shutdown drains the outbox")

            try await harness.startService()
            try await harness.send([harness.command(CreateOrganization(name: "After", ownerEmail: "a@x.example"), id: "after")])
            let later = try await results.read { !$0.results(for: "after").isEmpty }
            #expect(later.allSatisfy { $0.header(Envelope.Header.subject) == "after" }, "nothing before the restart was answered again")
            let count = try await harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organization") }
            #expect(count == 21)
        }
    }
}
