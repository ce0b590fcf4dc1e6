import Foundation
import GRDB
import Hashing
import Models
import Pipeline

/// Lifecycle's part of the pipeline: a command is authenticated and decided by its entry in
/// ``LifecycleCommands``, its events are applied by ``LifecycleProjection``, and any secret
/// values it set are sealed and stored last; followed events keep the shared copies current and
/// run Lifecycle's step of Deactivation's sagas.
struct LifecycleHandler: MessageHandler {
    let authenticator: Authenticator
    let secretBox: SecretBox
    let invitationKey: InvitationTokenKey
    /// Most invitations a workspace may send in any 24 hours; 0: no cap.
    var invitationsPerWorkspacePerDay = InvitationRules.SendCap.defaultPerDay

    let commands = LifecycleCommands.table.registry

    /// Sharing's events that add and remove read-only copies of shared integrations, and the
    /// Deactivation events that ask for Lifecycle's step of a saga.
    let events = MessageRegistry(IntegrationStore.sharedCopies.types + WorkspaceStatusSaga.table.types)

    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
        try LifecycleCommands.table.authenticate(
            command,
            CredentialCheck(envelope: envelope, now: now, db: db, authenticator: authenticator, secretBox: secretBox)
        )
    }

    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        let request = CommandRequest(
            sender: sender,
            context: context.sealingSigningKeys(with: authenticator.keys.sealSigningKeys),
            db: db,
            invitationKey: invitationKey,
            secretBox: secretBox,
            invitationsPerWorkspacePerDay: invitationsPerWorkspacePerDay
        )
        let decision = try LifecycleCommands.table.handle(command, request)
        try project(decision.outcome.events, at: context.now, db: db)
        // After the projection: a secret belongs to an integration row, which must exist first.
        if let secrets = decision.secrets {
            try SecretStore.apply(secrets, box: secretBox, db: db)
        }
        return decision.outcome
    }

    /// An integration command's secret values, and a token command's token, are sealed afresh on
    /// every send, so a repeat is told from another command by what they open to (and the rest of
    /// the command), not by bytes.
    func fingerprint(_ command: any Message, envelope: Envelope) -> Data? {
        let sealed: SealedSecrets?
        let rest: Data
        if var create = command as? CreateIntegration {
            (sealed, create.sealedSecrets) = (create.sealedSecrets, nil)
            rest = JSONCoding.encode(create)
        } else if var update = command as? UpdateIntegration {
            (sealed, update.sealedSecrets) = (update.sealedSecrets, nil)
            rest = JSONCoding.encode(update)
        } else if let tokened = command as? any TokenCredential {
            // Sealed afresh on every send: the holder and the opened token tell a repeat.
            guard let token = try? secretBox.openToken(tokened.sealedToken, commandID: envelope.id) else { return nil }
            return SHA256Digest.of([Data(tokened.tokenHolder.utf8), Data(token.utf8)])
        } else {
            return nil
        }
        guard let sealed, let values = try? secretBox.open(sealed, commandID: envelope.id) else { return nil }
        return SHA256Digest.of([rest, JSONCoding.encode(values)])
    }

    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let reactions: [DomainEvent]
        if WorkspaceStatusSaga.table.handles(type(of: event).messageType) {
            reactions = try WorkspaceStatusSaga.table.handle(event, db)
        } else {
            try LifecycleProjection.apply(event, at: envelope.time ?? context.now, db: db)
            reactions = []
        }
        try project(reactions, at: context.now, db: db)
        return reactions
    }

    private func project(_ events: [DomainEvent], at time: Date, db: Database) throws {
        for event in events {
            try LifecycleProjection.apply(event.message, at: time, db: db)
        }
    }
}
