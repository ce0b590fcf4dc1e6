import Foundation
import GRDB
import Hashing
import Models
import Pipeline
import Synchronization
import TestSupport
import Testing

@testable import Lifecycle

/// The command table handles exactly the commands the catalogue (and so the AsyncAPI document)
/// promises on Lifecycle's topic, the handler decodes exactly those, and its two kinds of entry
/// cannot decide without a credential.
@Suite("Lifecycle command table")
struct LifecycleCommandsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theTableIsTheCatalogue() throws {
        let table = LifecycleCommands.table.types.map { $0.messageType }
        #expect(table.count == Set(table).count)
        #expect(Set(table) == Set(MessageCatalogue.lifecycleCommands.map { $0.messageType }))
        let handler = LifecycleHandler(
            authenticator: TestKeys.authenticator(for: "lifecycle"),
            secretBox: try SecretBox(base64Key: testSecretsKey),
            invitationKey: testInvitationKey
        )
        #expect(handler.commands.types == Set(table))
    }

    @Test func theProjectionAppliesLifecycleEventsAndSharedCopiesAndRefusesOthers() throws {
        let projected = Set(LifecycleProjection.table.types.map { $0.messageType })
        let expected = MessageCatalogue.lifecycleEvents + [ShareAccepted.self, ShareRevoked.self, ShareRemoved.self]
        #expect(projected == Set(expected.map { $0.messageType }))
        let store = try ServiceStore(path: nil, migrations: LifecycleMigrations.register)
        try store.writer.write { (db: Database) throws -> Void in
            #expect(throws: UnhandledMessage.self) { try LifecycleProjection.apply(Unknown(), at: now, db: db) }
        }
    }

    @Test func anAuthenticatedEntryDecidesNothingWithoutACredential() throws {
        let store = try ServiceStore(path: nil, migrations: LifecycleMigrations.register)
        let decided = Mutex(false)
        let table = LifecycleCommandTable().authenticated(Unknown.self) { _, _ in
            decided.withLock { $0 = true }
            return CommandOutcome(events: [])
        }
        try store.writer.write { (db: Database) throws -> Void in
            #expect { try table.authenticate(Unknown(), check(authorization: nil, db: db)) } throws: { ($0 as? Rejection)?.code == .unauthenticated }
            // A token holder is no principal: an entry that needs one refuses it.
            #expect { try table.handle(Unknown(), request(from: .tokenHolder("inv_1"), db: db)) } throws: {
                ($0 as? Rejection)?.code == .unauthenticated
            }
        }
        #expect(!decided.withLock { $0 })
    }

    @Test func aTokenEntryKeepsNoOutcomeUnlessTheTokenMatches() throws {
        let store = try ServiceStore(path: nil, migrations: LifecycleMigrations.register)
        // A careless rule that forgets to check the token.
        let table = LifecycleCommandTable().byToken(Tokened.self) { _, _ in
            Held(tokenHash: Secret.hash("right"))
        } decide: { _, _, _, _ in
            CommandOutcome(events: [])
        }
        try store.writer.write { (db: Database) throws -> Void in
            #expect { try table.authenticate(try Tokened("wrong"), check(authorization: nil, db: db)) } throws: {
                ($0 as? Rejection)?.code == .unauthenticated
            }
            #expect(try table.authenticate(try Tokened("right"), check(authorization: nil, db: db)) == .tokenHolder("inv_held"))
            // The right token sealed for another command id (a copy under a new id) opens to nothing.
            #expect { try table.authenticate(try Tokened("right", commandID: "c-2"), check(authorization: nil, db: db)) } throws: {
                ($0 as? Rejection)?.code == .unauthenticated && ($0 as? Rejection)?.field == "sealed_token"
            }
            // Decided without that check, or for another sender, the outcome is not kept.
            #expect { try table.handle(try Tokened("wrong"), request(from: .tokenHolder("inv_held"), db: db)) } throws: {
                ($0 as? Rejection)?.code == .unauthenticated
            }
            #expect { try table.handle(try Tokened("right"), request(from: .tokenHolder("inv_other"), db: db)) } throws: {
                ($0 as? Rejection)?.code == .unauthenticated
            }
            #expect(try table.handle(try Tokened("right"), request(from: .tokenHolder("inv_held"), db: db)).outcome.events.isEmpty)
        }
    }

    func check(authorization: String?, db: Database) -> CredentialCheck {
        let envelope = Envelope(
            id: "c-1",
            type: Unknown.messageType,
            source: "/t",
            time: now,
            subject: nil,
            authorization: authorization,
            payload: Data("{}".utf8)
        )
        return CredentialCheck(
            envelope: envelope,
            now: now,
            db: db,
            authenticator: TestKeys.authenticator(for: "lifecycle"),
            secretBox: try! SecretBox(base64Key: testSecretsKey)
        )
    }

    func request(from sender: Sender, db: Database) throws -> CommandRequest {
        CommandRequest(
            sender: sender,
            context: .live(commandID: "c-1", now: now),
            db: db,
            invitationKey: testInvitationKey,
            secretBox: try SecretBox(base64Key: testSecretsKey)
        )
    }
}

private struct Unknown: Message {
    static let messageType: MessageType = "tenancy.test.Unknown.v1"
}

private struct Tokened: TokenCredential {
    static let messageType: MessageType = "tenancy.test.Tokened.v1"
    var sealedToken: SealedSecrets
    var tokenHolder: String { "inv_held" }

    /// `token` sealed for the command `commandID`; `c-1` is the id of every check and request here.
    init(_ token: String, commandID: String = "c-1") throws {
        sealedToken = try LifecycleTests.sealedToken(token, commandID: commandID)
    }
}

private struct Held: TokenHashHolder {
    var tokenHash: String
}
