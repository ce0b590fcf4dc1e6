import Foundation
import GRDB
import Models
import Pipeline
import ServiceKit

/// A service of the tests' own, as small as a service can be, so that the runtime tests check the
/// pipeline's guarantees without depending on any real service: the operator creates notes; each
/// note is a row with a new id, announced by two events, and its key's
/// secret is shown once, in the result. A note without text is refused.
enum NoteService {
    static func definition(prefix: String) -> ServiceDefinition {
        ServiceDefinition(
            name: "notes",
            // The harness always passes a free port.
            defaultHTTPPort: 0,
            defaultOpsPort: 0,
            topics: { _ in topics(prefix: prefix) },
            migrations: { migrator in
                migrator.registerMigration("notes.v1") { db in
                    try db.create(table: "note") { t in
                        t.primaryKey("id", .text)
                        t.column("text", .text).notNull()
                        t.column("author", .text).notNull()
                        t.column("tag", .text)
                        t.column("key_id", .text)
                    }
                }
            },
            makeHandler: { environment in NoteHandler(authenticator: environment.authenticator) }
        )
    }

    /// Commands and events on topics of their own; results and dead letters where every service puts them.
    static func topics(prefix: String) -> PipelineTopics {
        let shared = Topics(prefix: prefix)
        return PipelineTopics(
            commands: "\(prefix).notes.commands",
            followedEvents: [],
            events: "\(prefix).notes.events",
            results: shared.commandResults,
            deadLetter: shared.deadLetter
        )
    }
}

enum NoteTag: IdentifierKind { static let prefix = "note" }
enum NoteKeyTag: IdentifierKind { static let prefix = "notekey" }
typealias NoteID = Identifier<NoteTag>
typealias NoteKeyID = Identifier<NoteKeyTag>

/// Operator only: a note, with a key whose secret the result shows once.
struct CreateNote: Message, Hashable {
    static let messageType: MessageType = "tenancy.test.CreateNote.v1"

    var text: String
    var author: String
    var tag: String?

    init(text: String, author: String, tag: String? = nil) {
        self.text = text
        self.author = author
        self.tag = tag
    }
}

struct NoteCreated: Message, Hashable {
    static let messageType: MessageType = "tenancy.test.NoteCreated.v1"

    var noteID: NoteID
    var text: String
    var author: String
    var tag: String?

    enum CodingKeys: String, CodingKey {
        case noteID = "note_id"
        case text, author, tag
    }
}

/// A note's key: its id only, never its secret.
struct NoteKeyIssued: Message, Hashable {
    static let messageType: MessageType = "tenancy.test.NoteKeyIssued.v1"

    var noteID: NoteID
    var keyID: NoteKeyID

    enum CodingKeys: String, CodingKey {
        case noteID = "note_id"
        case keyID = "key_id"
    }
}

struct NoteHandler: MessageHandler {
    struct Request {
        let principal: Principal
        let context: DecisionContext
    }

    let authenticator: Authenticator

    static let table = MessageTable<Request, CommandOutcome>()
        .on(CreateNote.self) { command, request in
            try Authorization.requireOperator(request.principal, to: "create a note")
            guard !command.text.isEmpty else { throw Rejection.invalid("text", "must not be empty") }
            let note: NoteID = request.context.newID("note")
            let key: NoteKeyID = request.context.newID("key")
            return CommandOutcome(
                events: [
                    DomainEvent(NoteCreated(noteID: note, text: command.text, author: command.author, tag: command.tag), subject: note.rawValue),
                    DomainEvent(NoteKeyIssued(noteID: note, keyID: key), subject: note.rawValue),
                ],
                created: ["note_id": note.rawValue, "key_id": key.rawValue],
                secrets: ["key_secret": request.context.newSecret()]
            )
        }

    let commands = NoteHandler.table.registry

    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
        Sender(try authenticator.authenticate(envelope, now: now) { _ in nil })
    }

    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        guard let principal = sender.principal else { throw Rejection(.unauthenticated, "notes need the operator credential") }
        let outcome = try Self.table.handle(command, Request(principal: principal, context: context))
        for event in outcome.events {
            switch event.message {
            case let created as NoteCreated:
                try db.execute(
                    sql: "INSERT INTO note (id, text, author, tag) VALUES (?, ?, ?, ?)",
                    arguments: [created.noteID, created.text, created.author, created.tag]
                )
            case let issued as NoteKeyIssued:
                try db.execute(sql: "UPDATE note SET key_id = ? WHERE id = ?", arguments: [issued.keyID, issued.noteID])
            default:
                throw UnhandledMessage(type: type(of: event.message).messageType)
            }
        }
        return outcome
    }
}
