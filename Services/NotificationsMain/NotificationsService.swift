import ArgumentParser
import Pipeline

@main
struct NotificationsService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-notifications",
        abstract: "Tenancy's Notifications service: follows domain events and tells the right people (no notifications yet)."
    )

    @OptionGroup var options: ServiceOptions

    static let definition = ServiceDefinition(
        name: "notifications",
        defaultHTTPPort: 8083,
        topics: { topics in
            PipelineTopics(
                commands: nil, followedEvents: [topics.lifecycleEvents, topics.sharingEvents, topics.deactivationEvents], events: nil,
                results: topics.commandResults, deadLetter: topics.deadLetter, otherOwned: [topics.notifications]
            )
        },
        makeHandler: { _ in NoCommandHandler() }
    )

    func run() async throws {
        try await ServiceMain.run(Self.definition, options: options)
    }
}
