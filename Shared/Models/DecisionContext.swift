import Foundation

/// Everything a pure decide function may need from outside: the time, fresh ids and secrets.
///
/// A command's ids are new: random and ordered by time (``DecisionContext/live(commandID:now:)``),
/// never derived from its id, which is the client's. A command is decided once: its decision, its
/// effects and the record of its id commit together, and a repeat gets the stored result. An
/// event's reactions derive their ids from the event's id, which Tenancy made unique. Secrets are
/// random. Tests pass fixed functions to make decisions reproducible.
public struct DecisionContext: Sendable {
    public let now: Date
    /// The id of the command (or event) being decided: what reactions are correlated with.
    public let commandID: String
    private let makeID: @Sendable (String) -> String
    private let makeSecret: @Sendable () -> String

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
}
