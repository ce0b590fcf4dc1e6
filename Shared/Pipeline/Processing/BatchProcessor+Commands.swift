import Foundation
import GRDB
import Hashing
import Kafka
import Models

extension BatchProcessor {
    func processCommand(
        _ envelope: Envelope,
        fingerprint: Data,
        decoded: Result<any Message, Rejection>,
        unknownField: Rejection?,
        message: KafkaConsumedMessage,
        now: Date,
        db: Database
    ) throws {
        if let seen = try Inbox.entry(envelope.id, db: db) {
            try answerRepeated(envelope, seen: seen, fingerprint: fingerprint, now: now, db: db)
            return
        }
        let command: any Message
        switch decoded {
        case .success(let decoded):
            command = decoded
        case .failure(let rejection):
            try deadLetter(message, rejection, now: now, db: db)
            try publish(result: .rejected(envelope.id, type: envelope.type.rawValue, rejection), now: now, db: db)
            return
        }
        let context = DecisionContext.live(commandID: envelope.id, now: now)
        let result: CommandResult
        if let unknownField {
            result = .rejected(envelope.id, type: envelope.type.rawValue, unknownField)
        } else {
            result = try decide(command, envelope: envelope, context: context, db: db)
        }
        let published = try publish(result: result, now: now, db: db)
        // Stored as published unless it carries one-time secrets; a replay marks it replayed.
        let stored = result.secrets == nil ? published : JSONCoding.encode(result.forReplay)
        try Inbox.record(envelope.id, type: envelope.type.rawValue, fingerprint: fingerprint, result: stored, at: now, db: db)
    }

    /// Runs the handler in a savepoint, so a refused or failed command leaves nothing behind.
    private func decide(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandResult {
        var outcome: CommandOutcome?
        let started = ContinuousClock.now
        defer { metrics.handled(type: envelope.type.rawValue, seconds: (ContinuousClock.now - started).inSeconds) }
        do {
            try db.inSavepoint {
                let decided = try handler.handle(command, envelope: envelope, context: context, db: db)
                for (index, event) in decided.events.enumerated() {
                    try publish(event, index: index, cause: envelope.id, context: context, db: db)
                }
                outcome = decided
                return .commit
            }
        } catch let rejection as Rejection {
            return .rejected(envelope.id, type: envelope.type.rawValue, rejection)
        } catch let error as DatabaseError where error.isEnvironmental {
            throw error
        } catch {
            // A bug or an unexpected constraint: refuse this command, keep the partition moving.
            logger.error("command failed", metadata: ["command.id": "\(envelope.id)", "command.type": "\(envelope.type)", "error": "\(error)"])
            return .rejected(
                envelope.id,
                type: envelope.type.rawValue,
                Rejection(.internalError, "the service could not process this command; it had no effect")
            )
        }
        guard let outcome else { preconditionFailure("savepoint committed without an outcome") }
        return .accepted(envelope.id, type: envelope.type, created: outcome.created, secrets: outcome.secrets, items: outcome.items)
    }

    private func answerRepeated(_ envelope: Envelope, seen: Inbox.Entry, fingerprint: Data, now: Date, db: Database) throws {
        metrics.duplicate()
        if seen.fingerprint == fingerprint, let stored = seen.result {
            let original = try JSONCoding.decode(CommandResult.self, from: stored)
            try publish(result: original.forReplay, now: now, db: db, counted: false)
            return
        }
        let rejection = Rejection(
            .idempotencyKeyReused,
            "command id '\(envelope.id)' was already used for a different command; send a new id"
        )
        let resultID = "res_" + DerivedID.make(from: envelope.id, label: "reused." + Hex.encode(fingerprint))
        try publish(result: .rejected(envelope.id, type: envelope.type.rawValue, rejection), now: now, db: db, id: resultID)
    }
}

extension DatabaseError {
    /// Failures of the database itself rather than of one message: the batch must not be acknowledged.
    var isEnvironmental: Bool {
        switch resultCode.primaryResultCode {
        case .SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_READONLY,
            .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_PROTOCOL, .SQLITE_INTERRUPT:
            true
        default:
            false
        }
    }
}
