import Pipeline

/// The Lifecycle service: organizations, workspaces, members and API keys.
public enum Lifecycle {
    public static let definition = ServiceDefinition(
        name: "lifecycle",
        defaultHTTPPort: 8081,
        topics: { topics in
            PipelineTopics(
                commands: topics.lifecycleCommands, followedEvents: [], events: topics.lifecycleEvents,
                results: topics.commandResults, deadLetter: topics.deadLetter
            )
        },
        migrations: LifecycleMigrations.register,
        makeHandler: { environment in
            LifecycleHandler(authenticator: Authenticator(operatorTokenHash: environment.operatorTokenHash))
        },
        routes: LifecycleRoutes.register
    )
}
