import Models

/// Who sent a command, as its credential establishes before the pipeline looks its id up: a
/// command id is an idempotency key of its sender's, so the same id from another sender is another
/// command, and a repeat is answered only to the sender of the original.
public struct Sender: Sendable, Hashable {
    /// What the sender's command ids are kept under: the client id of its API key, `operator:<name>`,
    /// or the id of the invitation or step runner whose one-time token the command carries.
    public let scope: String
    /// The authenticated member or operator; nil for a command whose own token is its credential.
    public let principal: Principal?

    /// A sender holding an API key or the operator credential.
    public init(_ principal: Principal) {
        switch principal {
        case .operator(let name): scope = Signer.operator(name).description
        case .member(let caller): scope = caller.clientID.rawValue
        }
        self.principal = principal
    }

    /// A sender whose credential is the one-time token of `holder` (an invitation, a step runner).
    public static func tokenHolder(_ holder: String) -> Sender {
        Sender(scope: holder, principal: nil)
    }

    private init(scope: String, principal: Principal?) {
        self.scope = scope
        self.principal = principal
    }
}
