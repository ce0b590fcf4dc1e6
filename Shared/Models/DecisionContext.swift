import Foundation

/// Everything a pure decide function may need from outside: the time, fresh ids and secrets.
///
/// A command's ids are new: random and ordered by time (``DecisionContext/live(commandID:now:)``),
/// never derived from its id, which is the client's. A command is decided once: its decision, its
/// effects and the record of its id commit together, and a repeat gets the stored result. An
/// event's reactions derive their ids from the event's id, which Tenancy made unique. Secrets are
/// random, and a new API key's signing keys are sealed by the service that issues keys
/// (``sealingSigningKeys(with:)``). Tests pass fixed functions to make decisions reproducible.
public struct DecisionContext: Sendable {
    public let now: Date
    /// The id of the command (or event) being decided: what reactions are correlated with.
    public let commandID: String
    private let makeID: @Sendable (String) -> String
    private let makeSecret: @Sendable () -> String
    private var sealSigningKeys: @Sendable (_ secret: String, _ clientID: String) -> [String: SealedSecrets] = { _, _ in [:] }

    /// - Parameter makeID: the body of a new id for a label (the label tells one new id of the
    ///   decision from another, for contexts that derive ids).
    public init(now: Date, commandID: String, makeID: @escaping @Sendable (String) -> String, makeSecret: @escaping @Sendable () -> String) {
        self.now = now
        self.commandID = commandID
        self.makeID = makeID
        self.makeSecret = makeSecret
    }

    /// A new identifier with the kind's prefix; `label` names it within the decision.
    public func newID<Kind>(_ label: String, as _: Identifier<Kind>.Type = Identifier<Kind>.self) -> Identifier<Kind> {
        Identifier(rawValue: Kind.prefix + "_" + makeID(label))
    }

    /// A new random secret of at least 256 bits.
    public func newSecret() -> String {
        makeSecret()
    }

    /// The signing keys of a new API key for every service, each sealed to that service's key;
    /// empty in a context that issues no keys.
    public func signingKeys(of secret: String, clientID: ClientID) -> [String: SealedSecrets] {
        sealSigningKeys(secret, clientID.rawValue)
    }

    /// This context, sealing new keys' signing keys with `seal`.
    public func sealingSigningKeys(
        with seal: @escaping @Sendable (_ secret: String, _ clientID: String) -> [String: SealedSecrets]
    ) -> DecisionContext {
        var context = self
        context.sealSigningKeys = seal
        return context
    }
}
