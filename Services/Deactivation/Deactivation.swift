import Directory
import Pipeline
import ServiceKit

/// The Deactivation service: the deactivation and reactivation sagas and their status.
public enum Deactivation {
    public static func definition(settings: SagaSettings = SagaSettings()) -> ServiceDefinition {
        ServiceDefinition(
            name: "deactivation",
            defaultHTTPPort: 8084,
            defaultOpsPort: 9184,
            topics: { topics in
                PipelineTopics(
                    commands: topics.deactivationCommands,
                    followedEvents: [topics.lifecycleEvents, topics.sharingEvents],
                    replicated: [topics.lifecycleEvents],
                    events: topics.deactivationEvents,
                    results: topics.commandResults,
                    deadLetter: topics.deadLetter
                )
            },
            migrations: DeactivationMigrations.register,
            makeHandler: { environment in
                DeactivationHandler(authenticator: environment.authenticator, settings: settings)
            },
            routes: OperationRoutes.register,
            storedKey: { try Directory.storedKey($0, db: $1) },
            credentialSource: { $0.lifecycleEvents }
        )
    }
}
