import ArgumentParser
import Pipeline

@main
struct DeactivationService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-deactivation",
        abstract: "Tenancy's Deactivation service: deactivation and reactivation sagas (no commands yet)."
    )

    @OptionGroup var options: ServiceOptions

    static let definition = ServiceDefinition(
        name: "deactivation",
        defaultHTTPPort: 8084,
        topics: { topics in
            PipelineTopics(
                commands: topics.deactivationCommands, followedEvents: [topics.lifecycleEvents, topics.sharingEvents], events: topics.deactivationEvents,
                results: topics.commandResults, deadLetter: topics.deadLetter
            )
        },
        makeHandler: { _ in NoCommandHandler() }
    )

    func run() async throws {
        try await ServiceMain.run(Self.definition, options: options)
    }
}
