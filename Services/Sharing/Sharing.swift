import Directory
import Pipeline
import ServiceKit

/// The Sharing service: share requests between workspaces and their state machine.
public enum Sharing {
    public static let definition = ServiceDefinition(
        name: "sharing",
        defaultHTTPPort: 8082,
        defaultOpsPort: 9182,
        topics: { topics in
            PipelineTopics(
                commands: topics.sharingCommands,
                followedEvents: [topics.lifecycleEvents, topics.deactivationEvents],
                replicated: [topics.lifecycleEvents, topics.deactivationEvents],
                events: topics.sharingEvents,
                results: topics.commandResults,
                deadLetter: topics.deadLetter
            )
        },
        migrations: SharingMigrations.register,
        makeHandler: { environment in SharingHandler(authenticator: environment.authenticator) },
        routes: SharingRoutes.register,
        storedKey: { try Directory.storedKey($0, db: $1) },
        credentialSource: { $0.lifecycleEvents }
    )
}
