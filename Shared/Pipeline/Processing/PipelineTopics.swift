/// The topics one service's pipeline reads and writes.
public struct PipelineTopics: Sendable, Hashable {
    /// Where commands for this service arrive; nil for a service that takes no commands.
    public var commands: String?
    /// Other services' event topics this service follows.
    public var followedEvents: [String]
    /// Followed topics every instance also reads whole, from every partition and outside the
    /// consumer group, into its replicas of reference data (``MessageHandler/replica``).
    public var replicated: [String]
    /// Where this service publishes its own events; nil when it has none.
    public var events: String?
    public var results: String
    public var deadLetter: String
    /// Further topics this service writes and therefore creates (e.g. notifications).
    public var otherOwned: [String]

    public init(
        commands: String?,
        followedEvents: [String],
        replicated: [String] = [],
        events: String?,
        results: String,
        deadLetter: String,
        otherOwned: [String] = []
    ) {
        precondition(Set(replicated).isSubset(of: followedEvents), "a replicated topic is followed: the group validates its records")
        self.commands = commands
        self.followedEvents = followedEvents
        self.replicated = replicated
        self.events = events
        self.results = results
        self.deadLetter = deadLetter
        self.otherOwned = otherOwned
    }

    public var consumed: [String] { (commands.map { [$0] } ?? []) + followedEvents }

    /// Every topic the service touches; it creates those that are missing at start-up.
    public var all: [String] {
        Array(Set(consumed + [events].compactMap { $0 } + [results, deadLetter] + otherOwned)).sorted()
    }
}
