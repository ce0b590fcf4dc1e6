/// Topic names. They are configuration; these are the defaults.
public struct Topics: Sendable, Hashable, Codable {
    public var lifecycleCommands = "tenancy.lifecycle.commands"
    public var sharingCommands = "tenancy.sharing.commands"
    public var deactivationCommands = "tenancy.deactivation.commands"
    public var lifecycleEvents = "tenancy.lifecycle.events"
    public var sharingEvents = "tenancy.sharing.events"
    public var deactivationEvents = "tenancy.deactivation.events"
    public var notifications = "tenancy.notifications"
    public var commandResults = "tenancy.command-results"
    public var deadLetter = "tenancy.deadletter"

    public init() {}

    /// Every topic name.
    public var all: [String] {
        [
            lifecycleCommands, sharingCommands, deactivationCommands, lifecycleEvents, sharingEvents, deactivationEvents, notifications,
            commandResults, deadLetter,
        ]
    }

    /// The service that takes the commands of `topic` (`<prefix>.<service>.commands`), whose signing
    /// key signs them; nil for another topic.
    public static func service(takingCommandsOn topic: String) -> String? {
        let parts = topic.split(separator: ".")
        guard parts.count >= 3, parts.last == "commands" else { return nil }
        return String(parts[parts.count - 2])
    }

    /// The service that publishes the events of `topic` (`<prefix>.<service>.events`, or
    /// Notifications' `<prefix>.notifications`), which alone can tag them; nil for another topic.
    public static func owner(ofEvents topic: String) -> String? {
        let parts = topic.split(separator: ".")
        if parts.count >= 3, parts.last == "events" { return String(parts[parts.count - 2]) }
        if parts.count >= 2, parts.last == "notifications" { return "notifications" }
        return nil
    }

    /// Every topic name with a default prefix (`tenancy`) swapped for another, for isolated test runs.
    public init(prefix: String) {
        func swap(_ name: String) -> String { prefix + name.dropFirst("tenancy".count) }
        let defaults = Topics()
        lifecycleCommands = swap(defaults.lifecycleCommands)
        sharingCommands = swap(defaults.sharingCommands)
        deactivationCommands = swap(defaults.deactivationCommands)
        lifecycleEvents = swap(defaults.lifecycleEvents)
        sharingEvents = swap(defaults.sharingEvents)
        deactivationEvents = swap(defaults.deactivationEvents)
        notifications = swap(defaults.notifications)
        commandResults = swap(defaults.commandResults)
        deadLetter = swap(defaults.deadLetter)
    }
}
