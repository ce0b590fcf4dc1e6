import Foundation
import GRDB
import Hashing
import Kafka
import Models
import Sealing

extension BatchProcessor {
    /// Decodes, authenticates, then looks the command up under its id and sender: a repeat gets the
    /// stored answer; anything else is decided, answered and recorded. A command refused for its
    /// credential has no sender: it is answered and not recorded, so it takes no id from anyone.
    func processCommand(
        _ envelope: Envelope,
        fingerprint sentFingerprint: Data,
        decoded: Result<any Message, Rejection>,
        unknownField: Rejection?,
        message: KafkaConsumedMessage,
        now: Date,
        isolation: CommandIsolation,
        db: Database
    ) throws {
        let command: any Message
        switch decoded {
        case .success(let decoded):
            command = decoded
        case .failure(let rejection):
            try deadLetter(message, rejection, now: now, db: db)
            try publish(result: .rejected(envelope.id, type: envelope.type.rawValue, rejection), now: now, db: db)
            return
        }
        guard let sender = try authenticate(command, envelope: envelope, fingerprint: sentFingerprint, now: now, db: db),
            try !forwardToOwner(command, from: sender, message: message, now: now, db: db),
            try admit(envelope, from: sender, fingerprint: sentFingerprint, now: now, db: db)
        else { return }
        let payloadFingerprint =
            handler.fingerprint(command, envelope: envelope).map { SHA256Digest.of([Data(envelope.type.rawValue.utf8), $0]) } ?? sentFingerprint
        let fingerprint = SHA256Digest.of([Data(sender.scope.utf8), payloadFingerprint])
        let seen = try Inbox.entries(envelope.id, sender: sender.scope, db: db)
        if let own = seen.own {
            try answerRepeated(envelope, sender: sender, seen: own, fingerprint: fingerprint, now: now, db: db)
            return
        }
        // Recorded before the inbox kept senders: replayed only to a sender with a valid credential
        // who sends exactly the same command, until the retention forgets it.
        if let unattributed = seen.unattributed, unattributed.fingerprint == payloadFingerprint {
            try answerRepeated(envelope, sender: sender, seen: unattributed, fingerprint: payloadFingerprint, now: now, db: db)
            return
        }
        let context = DecisionContext.live(commandID: envelope.id, now: now)
        let result: CommandResult
        if let unknownField {
            result = .rejected(envelope.id, type: envelope.type.rawValue, unknownField)
        } else {
            result = try decide(command, from: sender, envelope: envelope, context: context, isolation: isolation, db: db)
        }
        // A refusal that goes away with time (a cap reached) is answered like a gate's and not
        // recorded: the same command sent again after its retry-after is decided afresh.
        if result.status == .rejected, let rejection = result.error, rejection.retryAfterSeconds != nil {
            try publishUnrecorded(envelope, rejection, fingerprint: payloadFingerprint, now: now, db: db)
            return
        }
        let published = try publish(result: result, now: now, db: db, id: Self.resultID(of: envelope.id, from: sender), actor: sender.scope)
        // Stored as published unless it carries one-time secrets; a replay marks it replayed.
        let stored = result.sealedSecrets == nil ? published : JSONCoding.encode(result.forReplay)
        try Inbox.record(
            envelope.id,
            sender: sender.scope,
            type: envelope.type.rawValue,
            fingerprint: fingerprint,
            result: stored,
            at: now,
            db: db
        )
    }

    /// The `ce_id` of the result of `sender`'s command `commandID`: the same for every copy of that
    /// result, another for the same id from another sender.
    static func resultID(of commandID: String, from sender: Sender) -> String {
        "res_" + DerivedID.make(from: commandID, label: "result.sender." + sender.scope)
    }

    /// Sends the command, as it came (key, headers and value, so its signature still holds), to the
    /// partition of the task that owns what it changes, when that is not this one; returns whether
    /// it did. Nothing is recorded and no result published here: the owner decides and answers, and
    /// a copy forwarded twice (the client sent it again) is a repeat there. Every instance computes
    /// the same partition for a key (same partition count, checked at start-up), so a forwarded
    /// command is never forwarded again.
    private func forwardToOwner(_ command: any Message, from sender: Sender, message: KafkaConsumedMessage, now: Date, db: Database) throws -> Bool {
        guard let partitions, let key = try handler.ownerKey(of: command, from: sender, db: db) else { return false }
        let owner = KeyPartitioner.partition(of: key, count: partitions)
        guard owner != message.partition else { return false }
        let forwarded = KafkaRecord(
            topic: message.topic,
            partition: owner,
            key: message.key,
            value: message.value,
            headers: message.headers.filter { $0.name != Self.forwardedFrom } + [
                KafkaHeader(name: Self.forwardedFrom, string: String(message.partition))
            ]
        )
        try Outbox.insert(forwarded, now: now, db: db)
        metrics.commandForwarded()
        return true
    }

    /// Header of a forwarded command: the partition it was first read from (for people; never trusted).
    static let forwardedFrom = "tenancy-forwarded-from"

    /// The command's sender, or nil when its credential is refused: then the refusal is published
    /// (with a `ce_id` of its own, as it is not recorded) and nothing else happens.
    private func authenticate(_ command: any Message, envelope: Envelope, fingerprint: Data, now: Date, db: Database) throws -> Sender? {
        let rejection: Rejection
        do {
            return try handler.authenticate(command, envelope: envelope, now: now, db: db)
        } catch let refused as Rejection {
            rejection = refused
        } catch let error as DatabaseError where error.isEnvironmental {
            throw error
        } catch {
            logger.error(
                "authentication failed",
                metadata: ["command.id": "\(envelope.id)", "command.type": "\(envelope.type)", "error": "\(error)"]
            )
            rejection = Rejection(.internalError, "the service could not check this command's credential; it had no effect")
        }
        try publishUnrecorded(envelope, rejection, fingerprint: fingerprint, now: now, db: db)
        return nil
    }

    /// Whether every gate takes the command now; when one refuses, the refusal is published (with a
    /// `ce_id` of its own) and not recorded.
    private func admit(_ envelope: Envelope, from sender: Sender, fingerprint: Data, now: Date, db: Database) throws -> Bool {
        do {
            for gate in gates { try gate.admit(envelope, from: sender, now: now) }
            return true
        } catch {
            try publishUnrecorded(envelope, error, fingerprint: fingerprint, now: now, db: db)
            return false
        }
    }

    /// Publishes a refusal that is not recorded in the inbox, under a `ce_id` derived from the
    /// command id, its payload and the refusal (its retry-after included), so that only copies of
    /// this one answer share it.
    private func publishUnrecorded(_ envelope: Envelope, _ rejection: Rejection, fingerprint: Data, now: Date, db: Database) throws {
        let retryAfter = rejection.retryAfterSeconds.map { [Data(String($0).utf8)] } ?? []
        let refusal = SHA256Digest.of([fingerprint, Data(rejection.code.rawValue.utf8), Data(rejection.message.utf8)] + retryAfter)
        let resultID = "res_" + DerivedID.make(from: envelope.id, label: "refused." + Hex.encode(refusal))
        try publish(result: .rejected(envelope.id, type: envelope.type.rawValue, rejection), now: now, db: db, id: resultID)
    }

    /// Runs the handler so that a refused or failed command leaves nothing behind: in a savepoint,
    /// or without one while the command fails before it writes anything (else the batch is run again
    /// with savepoints, ``CommandFailedAfterWriting``).
    private func decide(
        _ command: any Message,
        from sender: Sender,
        envelope: Envelope,
        context: DecisionContext,
        isolation: CommandIsolation,
        db: Database
    ) throws -> CommandResult {
        var outcome: CommandOutcome?
        var sealed: SealedSecrets?
        let started = ContinuousClock.now
        defer { metrics.handled(type: envelope.type.rawValue, seconds: (ContinuousClock.now - started).inSeconds) }
        let run = {
            let decided = try MessageTracing.step("decide") {
                try self.handler.handle(command, from: sender, envelope: envelope, context: context, db: db)
            }
            if let secrets = decided.secrets { sealed = try self.seal(secrets, for: envelope) }
            for (index, event) in decided.events.enumerated() {
                try self.publish(event, index: index, cause: envelope.id, actor: sender.scope, context: context, db: db)
            }
            outcome = decided
        }
        let changesBefore = db.totalChangesCount
        do {
            switch isolation {
            case .shared:
                try run()
            case .savepointEach:
                try db.inSavepoint {
                    try run()
                    return .commit
                }
            }
        } catch let error as DatabaseError where error.isEnvironmental {
            throw error
        } catch {
            if isolation == .shared && db.totalChangesCount != changesBefore { throw CommandFailedAfterWriting() }
            return refusal(for: error, of: envelope)
        }
        guard let outcome else { preconditionFailure("the command ran without an outcome") }
        var result = CommandResult.accepted(envelope.id, type: envelope.type, created: outcome.created, items: outcome.items)
        result.sealedSecrets = sealed
        return result
    }

    /// The answer to a command that failed and left nothing behind: its own refusal, or one that
    /// says what went wrong without the details.
    private func refusal(for error: any Error, of envelope: Envelope) -> CommandResult {
        switch error {
        case let rejection as Rejection:
            return .rejected(envelope.id, type: envelope.type.rawValue, rejection)
        case let error as DatabaseError where error.isUniquenessViolation:
            // A row this command would create exists already: refused, never written over.
            logger.warning("command collided", metadata: ["command.id": "\(envelope.id)", "command.type": "\(envelope.type)", "error": "\(error)"])
            return .rejected(
                envelope.id,
                type: envelope.type.rawValue,
                Rejection(.alreadyExists, "something this command would create exists already; it had no effect")
            )
        default:
            // A bug or an unexpected constraint: refuse this command, keep the partition moving.
            logger.error("command failed", metadata: ["command.id": "\(envelope.id)", "command.type": "\(envelope.type)", "error": "\(error)"])
            return .rejected(
                envelope.id,
                type: envelope.type.rawValue,
                Rejection(.internalError, "the service could not process this command; it had no effect")
            )
        }
    }

    /// A result's one-time secrets, sealed to the command's reply key: they never leave in clear,
    /// so a command without a usable reply key is refused (and rolled back).
    private func seal(_ secrets: [String: String], for envelope: Envelope) throws(Rejection) -> SealedSecrets {
        guard let replyKey = envelope.replyKey else {
            throw Rejection(
                .invalidArgument,
                "this command's result holds a one-time secret, which is only ever sent sealed: send it again, with a new command id and a reply key (header ce_replykey, a new X25519 public key), and open the result's sealed_secrets with its private key",
                field: Envelope.Header.replyKey
            )
        }
        do {
            return try SecretSeal.seal(secrets, to: replyKey, for: .result(commandID: envelope.id))
        } catch {
            throw Rejection(.invalidArgument, "the reply key cannot be sealed to: \(error)", field: Envelope.Header.replyKey)
        }
    }

    private func answerRepeated(_ envelope: Envelope, sender: Sender, seen: Inbox.Entry, fingerprint: Data, now: Date, db: Database) throws {
        metrics.duplicate()
        if seen.fingerprint == fingerprint, let stored = seen.result {
            let original = try JSONCoding.decode(CommandResult.self, from: stored)
            try publish(
                result: original.forReplay,
                now: now,
                db: db,
                counted: false,
                id: Self.resultID(of: envelope.id, from: sender),
                actor: sender.scope
            )
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

    /// A primary key or unique index refused a row: what it would create exists already.
    var isUniquenessViolation: Bool {
        extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
    }
}
