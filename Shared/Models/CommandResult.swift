/// The one answer every command gets on the results topic, correlated by ``commandID`` and named by
/// the ``service`` that executed it: a command id is scoped to its caller and its service, so the
/// same id sent to two services is two commands with two results, told apart by ``service``.
public struct CommandResult: Message, Hashable {
    public static let messageType: MessageType = "tenancy.CommandResult.v1"

    public enum Status: String, Codable, Sendable, CaseIterable {
        case accepted, rejected
    }

    public var commandID: String
    public var commandType: String
    /// The service that executed the command and published this result: `lifecycle`, `sharing` or
    /// `deactivation` (the last part of the result's `ce_source`). Set on every result a service
    /// publishes; nil only in a result built by hand.
    public var service: String?
    public var status: Status
    /// Ids of what the command created, by name (`workspace_id`, `client_id`, ...).
    public var created: [String: String]
    /// Values shown exactly once (a new client secret), by name. A service never publishes them in
    /// clear: on the topic they are ``sealedSecrets``, which a client opens into this field.
    public var secrets: [String: String]?
    /// ``secrets``, sealed to the reply key the command carried (`ce_replykey`). Never stored: a
    /// replayed result omits them.
    public var sealedSecrets: SealedSecrets?
    public var error: Rejection?
    /// True when this answers a repeated command id with the stored original result.
    public var replayed: Bool?
    /// One result per item of a bulk command, in the order of the items.
    public var items: [ItemResult]?

    enum CodingKeys: String, CodingKey {
        case commandID = "command_id"
        case commandType = "command_type"
        case service, status, created, secrets
        case sealedSecrets = "sealed_secrets"
        case error, replayed, items
    }

    public static func accepted(
        _ commandID: String,
        type: MessageType,
        created: [String: String] = [:],
        secrets: [String: String]? = nil,
        items: [ItemResult]? = nil
    ) -> CommandResult {
        CommandResult(commandID: commandID, commandType: type.rawValue, status: .accepted, created: created, secrets: secrets, items: items)
    }

    public static func rejected(_ commandID: String, type: String, _ rejection: Rejection) -> CommandResult {
        CommandResult(commandID: commandID, commandType: type, status: .rejected, created: [:], error: rejection)
    }

    /// This result as it may be stored and replayed: without the one-time secrets.
    public var forReplay: CommandResult {
        var copy = self
        copy.secrets = nil
        copy.sealedSecrets = nil
        copy.replayed = true
        return copy
    }
}

/// The outcome of one item of a bulk command. One-time secrets of items are in the result's
/// `secrets`, under `items.<index>.<name>`, so that replays drop them like any other.
public struct ItemResult: Codable, Sendable, Hashable {
    public var index: Int
    public var status: CommandResult.Status
    public var created: [String: String]
    public var error: Rejection?

    public init(index: Int, status: CommandResult.Status, created: [String: String] = [:], error: Rejection? = nil) {
        self.index = index
        self.status = status
        self.created = created
        self.error = error
    }
}
