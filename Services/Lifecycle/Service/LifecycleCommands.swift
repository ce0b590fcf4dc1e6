import GRDB
import Hashing
import Models
import Pipeline

/// Every Lifecycle command registered with what decides it: each feature's table, merged. The
/// handler's registry is derived from it, so what Lifecycle decodes and what it handles are one list.
///
/// An entry is added in one of two ways, and only these reach the database: ``MessageTable/authenticated(_:_:)``
/// for a command sent with an API key or the operator credential, or ``MessageTable/byToken(_:load:decide:)``
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

/// The Lifecycle command table: commands in, decisions out.
typealias LifecycleCommandTable = MessageTable<CommandRequest, CommandDecision>

/// A command's envelope, decision context and transaction, as the handler gives them to the table.
/// Its parts are private to this file, so an entry cannot read the database or make a decision
/// except through the builders below, which authenticate first.
struct CommandRequest {
    fileprivate let envelope: Envelope
    fileprivate let context: DecisionContext
    fileprivate let db: Database
    fileprivate let authenticator: Authenticator
    fileprivate let invitationKey: InvitationTokenKey

    init(envelope: Envelope, context: DecisionContext, db: Database, authenticator: Authenticator, invitationKey: InvitationTokenKey) {
        (self.envelope, self.context, self.db, self.authenticator, self.invitationKey) = (envelope, context, db, authenticator, invitationKey)
    }
}

/// What an entry of an authenticated command decides with: the sender, as established from the
/// envelope's credential, the decision context, the transaction, and the key invitation tokens are
/// made from.
struct AuthenticatedRequest {
    let principal: Principal
    let context: DecisionContext
    let db: Database
    let invitationKey: InvitationTokenKey

    fileprivate init(principal: Principal, context: DecisionContext, db: Database, invitationKey: InvitationTokenKey) {
        (self.principal, self.context, self.db, self.invitationKey) = (principal, context, db, invitationKey)
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
    var token: String { get }
}

/// Stored state holding the hash that a ``TokenCredential`` command's token must match.
protocol TokenHashHolder: Sendable {
    var tokenHash: String { get }
}

extension MessageTable where Input == CommandRequest, Output == CommandDecision {
    /// `type`, sent with an API key or the operator credential: `decide` runs only once that
    /// credential is authenticated, and gets the sender as `request.principal`.
    func authenticated<M: Message>(_ type: M.Type, _ decide: @escaping @Sendable (M, AuthenticatedRequest) throws -> CommandOutcome) -> Self {
        on(type) { command, request in
            CommandDecision(try decide(command, request.authenticate()))
        }
    }

    /// The same for a command whose rule also hands back secret values, which the handler seals
    /// and stores after the projection; they never leave the handler otherwise.
    func authenticated<M: Message>(
        _ type: M.Type,
        sealing decide: @escaping @Sendable (M, AuthenticatedRequest) throws -> IntegrationRules.Decision
    ) -> Self {
        on(type) { command, request in
            let decision = try decide(command, request.authenticate())
            return CommandDecision(decision.outcome, secrets: decision.secrets)
        }
    }

    /// `type`, whose own token is the credential: there is no principal. `load` finds the state
    /// holding the token's hash and `decide` checks the token (with its own message); an outcome
    /// is kept only when the token matches that hash, so an entry cannot skip the check.
    func byToken<M: TokenCredential, State: TokenHashHolder>(
        _ type: M.Type,
        load: @escaping @Sendable (M, Database) throws -> State?,
        decide: @escaping @Sendable (M, State?, DecisionContext) throws -> CommandOutcome
    ) -> Self {
        on(type) { command, request in
            let state = try load(command, request.db)
            let outcome = try decide(command, state, request.context)
            guard let state, Secret.matches(command.token, hash: state.tokenHash) else {
                throw Rejection(.unauthenticated, "the token is wrong", field: "token")
            }
            return CommandDecision(outcome)
        }
    }
}

extension CommandRequest {
    fileprivate func authenticate() throws -> AuthenticatedRequest {
        let principal = try authenticator.authenticate(envelope.authorization, now: context.now) { try KeyStore.storedKey($0, db: db) }
        return AuthenticatedRequest(principal: principal, context: context, db: db, invitationKey: invitationKey)
    }
}

extension Principal {
    /// The workspace a member's key belongs to; nil for the operator.
    var workspaceID: WorkspaceID? {
        if case .member(let caller) = self { caller.workspaceID } else { nil }
    }
}
