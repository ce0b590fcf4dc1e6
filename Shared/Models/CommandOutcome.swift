/// What an accepted command did: the events to publish and what to tell the caller.
public struct CommandOutcome: Sendable {
    public var events: [DomainEvent]
    /// Ids of what was created, by name, for the result.
    public var created: [String: String]
    /// Values shown once in the result and never stored.
    public var secrets: [String: String]?
    /// Per-item results of a bulk command.
    public var items: [ItemResult]?

    public init(events: [DomainEvent], created: [String: String] = [:], secrets: [String: String]? = nil, items: [ItemResult]? = nil) {
        self.events = events
        self.created = created
        self.secrets = secrets
        self.items = items
    }
}

/// An event to publish on the service's event topic, keyed by its subject (workspace or organization id).
public struct DomainEvent: Sendable {
    public var message: any Message
    public var subject: String

    public init(_ message: any Message, subject: String) {
        self.message = message
        self.subject = subject
    }
}
