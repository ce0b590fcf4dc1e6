import Foundation

/// Everything a pure decide function may need from outside: the time, fresh ids and secrets.
///
/// Ids are derived from the command id, so deciding the same command again after a crash gives the
/// same ids; secrets are random. Tests pass fixed functions to make decisions reproducible.
public struct DecisionContext: Sendable {
    public let now: Date
    public let commandID: String
    private let deriveID: @Sendable (String) -> String
    private let makeSecret: @Sendable () -> String

    public init(now: Date, commandID: String, deriveID: @escaping @Sendable (String) -> String, makeSecret: @escaping @Sendable () -> String) {
        self.now = now
        self.commandID = commandID
        self.deriveID = deriveID
        self.makeSecret = makeSecret
    }

    /// A new identifier, the same each time for the same command and label.
    public func newID<Kind>(_ label: String, as _: Identifier<Kind>.Type = Identifier<Kind>.self) -> Identifier<Kind> {
        Identifier(rawValue: Kind.prefix + "_" + deriveID(label))
    }

    /// A new random secret of at least 256 bits.
    public func newSecret() -> String {
        makeSecret()
    }
}
