import ArgumentParser
import Pipeline

@main
struct SharingService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-sharing",
        abstract: "Tenancy's Sharing service: cross-workspace sharing of integrations (no commands yet)."
    )

    @OptionGroup var options: ServiceOptions

    static let definition = ServiceDefinition(
        name: "sharing",
        defaultHTTPPort: 8082,
        topics: { topics in
            PipelineTopics(
                commands: topics.sharingCommands, followedEvents: [topics.lifecycleEvents], events: topics.sharingEvents,
                results: topics.commandResults, deadLetter: topics.deadLetter
            )
        },
        makeHandler: { _ in NoCommandHandler() }
    )

    func run() async throws {
        try await ServiceMain.run(Self.definition, options: options)
    }
}
