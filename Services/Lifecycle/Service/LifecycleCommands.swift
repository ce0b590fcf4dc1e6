import Foundation
import GRDB
import Hashing
import Models
import Pipeline

/// Every Lifecycle command registered with how its sender is established and what decides it: each
/// feature's table, merged. The handler's registry is derived from it, so what Lifecycle decodes,
/// authenticates and handles are one list.
///
/// An entry is added in one of two ways, and only these reach the database: ``LifecycleCommandTable/authenticated(_:_:)``
/// for a command sent with an API key or the operator credential, or ``LifecycleCommandTable/byToken(_:load:decide:)``
/// for a command whose own one-time token is the credential.
enum LifecycleCommands {
    static let table = OrganizationCommands.table
        .merging(WorkspaceCommands.table)
        .merging(MemberCommands.table)
        .merging(KeyCommands.table)
        .merging(InvitationCommands.table)
        .merging(SSOCommands.table)
        .merging(RunnerCommands.table)
        .merging(IntegrationCommands.table)
        .merging(WorkflowCommands.table)
}

/// The Lifecycle command table: for each command, how its credential is checked (before the
/// pipeline looks its id up) and how it is decided once its sender is known.
struct LifecycleCommandTable: Sendable {
    private var credentials = MessageTable<CredentialCheck, Sender>()
    private var decisions = MessageTable<CommandRequest, CommandDecision>()

    init() {}

    /// The registered types, in registration order.
    var types: [any Message.Type] { decisions.types }

    /// Decodes exactly the registered types.
    var registry: MessageRegistry { decisions.registry }

    /// This table with the entries of `other` added (a service's feature tables put together).
    func merging(_ other: Self) -> Self {
        var table = self
        table.credentials = credentials.merging(other.credentials)
        table.decisions = decisions.merging(other.decisions)
        return table
    }

    /// The sender of `command`, as its entry establishes it; throws a ``Rejection`` when the credential does not hold.
    func authenticate(_ command: any Message, _ check: CredentialCheck) throws -> Sender {
        try credentials.handle(command, check)
    }

    /// Decides `command` of the sender that ``authenticate(_:_:)`` established.
    func handle(_ command: any Message, _ request: CommandRequest) throws -> CommandDecision {
        try decisions.handle(command, request)
    }
}

/// A command's credential, as the handler gives it to the table to establish the sender. Its parts
/// are private to this file: only the builders below check credentials.
struct CredentialCheck {
    fileprivate let envelope: Envelope
    fileprivate let now: Date
    fileprivate let db: Database
    fileprivate let authenticator: Authenticator
    fileprivate let secretBox: SecretBox

    init(envelope: Envelope, now: Date, db: Database, authenticator: Authenticator, secretBox: SecretBox) {
        (self.envelope, self.now, self.db, self.authenticator, self.secretBox) = (envelope, now, db, authenticator, secretBox)
    }
}

/// A command's sender, decision context and transaction, as the handler gives them to the table.
/// Its parts are private to this file, so an entry cannot read the database or make a decision
/// except through the builders below, which require the sender their credential check establishes.
struct CommandRequest {
    fileprivate let sender: Sender
    fileprivate let context: DecisionContext
    fileprivate let db: Database
    fileprivate let invitationKey: InvitationTokenKey
    fileprivate let secretBox: SecretBox
    fileprivate let invitationsPerWorkspacePerDay: Int

    init(
        sender: Sender,
        context: DecisionContext,
        db: Database,
        invitationKey: InvitationTokenKey,
        secretBox: SecretBox,
        invitationsPerWorkspacePerDay: Int = InvitationRules.SendCap.defaultPerDay
    ) {
        (self.sender, self.context, self.db, self.invitationKey, self.secretBox) = (sender, context, db, invitationKey, secretBox)
        self.invitationsPerWorkspacePerDay = invitationsPerWorkspacePerDay
    }
}

/// What an entry of an authenticated command decides with: the sender, as established from the
/// envelope's credential, the decision context, the transaction, the key invitation tokens are
/// made from and the cap on a workspace's invitations per day (0: none).
struct AuthenticatedRequest {
    let principal: Principal
    let context: DecisionContext
    let db: Database
    let invitationKey: InvitationTokenKey
    /// Opens the secret values clients seal to Lifecycle's secrets key.
    let secretBox: SecretBox
    let invitationsPerWorkspacePerDay: Int

    fileprivate init(principal: Principal, request: CommandRequest) {
        (self.principal, context, db, invitationKey, secretBox) = (principal, request.context, request.db, request.invitationKey, request.secretBox)
        invitationsPerWorkspacePerDay = request.invitationsPerWorkspacePerDay
    }
}

/// What an entry decided: the outcome, and for integration commands the secret values that the
/// handler seals and stores once the projection has applied the events. Only the builders below
/// make one.
struct CommandDecision {
    let outcome: CommandOutcome
    let secrets: IntegrationRules.SecretChanges?

    fileprivate init(_ outcome: CommandOutcome, secrets: IntegrationRules.SecretChanges? = nil) {
        (self.outcome, self.secrets) = (outcome, secrets)
    }
}

/// A command whose credential is a one-time token it carries (an invitation's, a step runner's
/// registration token) rather than an API key.
protocol TokenCredential: Message {
    /// The token, sealed to Lifecycle's secrets key for the command's id.
    var sealedToken: SealedSecrets { get }
    /// The id of what the token belongs to (the invitation, the runner): the command's sender, whose
    /// command ids are kept apart from everyone else's.
    var tokenHolder: String { get }
}

/// Stored state holding the hash that a ``TokenCredential`` command's token must match.
protocol TokenHashHolder: Sendable {
    var tokenHash: String { get }
}

extension LifecycleCommandTable {
    /// `type`, sent with an API key or the operator credential: `decide` runs only once that
    /// credential is authenticated, and gets the sender as `request.principal`.
    func authenticated<M: Message>(_ type: M.Type, _ decide: @escaping @Sendable (M, AuthenticatedRequest) throws -> CommandOutcome) -> Self {
        byCredential(type) { command, request in
            CommandDecision(try decide(command, request))
        }
    }

    /// The same for a command whose rule also hands back secret values, which the handler seals
    /// and stores after the projection; they never leave the handler otherwise.
    func authenticated<M: Message>(
        _ type: M.Type,
        sealing decide: @escaping @Sendable (M, AuthenticatedRequest) throws -> IntegrationRules.Decision
    ) -> Self {
        byCredential(type) { command, request in
            let decision = try decide(command, request)
            return CommandDecision(decision.outcome, secrets: decision.secrets)
        }
    }

    /// `type`, whose own token is the credential: there is no principal, the sender is the token's
    /// holder. The token travels sealed to Lifecycle's secrets key for the command's id, so a copy
    /// under another id opens to nothing. `load` finds the state holding the token's hash, and the
    /// opened token must match it before anything else happens; `decide` gets the opened token and
    /// checks it too (with its own message), and an outcome is kept only when the token matches that
    /// hash, so an entry cannot skip the check.
    func byToken<M: TokenCredential, State: TokenHashHolder>(
        _ type: M.Type,
        load: @escaping @Sendable (M, Database) throws -> State?,
        decide: @escaping @Sendable (M, _ token: String, State?, DecisionContext) throws -> CommandOutcome
    ) -> Self {
        var table = self
        table.credentials = credentials.on(type) { command, check in
            let token = try check.secretBox.openToken(command.sealedToken, commandID: check.envelope.id)
            guard let state = try load(command, check.db), Secret.matches(token, hash: state.tokenHash) else {
                throw Rejection(.unauthenticated, "the token is wrong", field: "sealed_token")
            }
            return .tokenHolder(command.tokenHolder)
        }
        table.decisions = decisions.on(type) { command, request in
            guard request.sender == .tokenHolder(command.tokenHolder) else {
                throw Rejection(.unauthenticated, "this command's credential is its token", field: "sealed_token")
            }
            let token = try request.secretBox.openToken(command.sealedToken, commandID: request.context.commandID)
            let state = try load(command, request.db)
            let outcome = try decide(command, token, state, request.context)
            guard let state, Secret.matches(token, hash: state.tokenHash) else {
                throw Rejection(.unauthenticated, "the token is wrong", field: "sealed_token")
            }
            return CommandDecision(outcome)
        }
        return table
    }

    /// Registers `type` as authenticated by the `authorization` header, decided by `decide` with the principal.
    private func byCredential<M: Message>(_ type: M.Type, _ decide: @escaping @Sendable (M, AuthenticatedRequest) throws -> CommandDecision) -> Self {
        var table = self
        table.credentials = credentials.on(type) { _, check in
            Sender(try check.authenticator.authenticate(check.envelope, now: check.now) { try KeyStore.storedKey($0, db: check.db) })
        }
        table.decisions = decisions.on(type) { command, request in
            guard let principal = request.sender.principal else {
                throw Rejection(.unauthenticated, "this command needs an API key or the operator credential")
            }
            return try decide(command, AuthenticatedRequest(principal: principal, request: request))
        }
        return table
    }
}

extension Principal {
    /// The workspace a member's key belongs to; nil for the operator.
    var workspaceID: WorkspaceID? {
        if case .member(let caller) = self { caller.workspaceID } else { nil }
    }
}
