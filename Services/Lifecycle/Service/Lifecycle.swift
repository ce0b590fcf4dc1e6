import Hashing
import Models
import Pipeline
import Sealing
import ServiceKit

/// The Lifecycle service: organizations, workspaces, members, keys, SSO, integrations (with the
/// read-only copies shared into a workspace), step runners and workflows.
public enum Lifecycle {
    /// The cap on the invitation emails of one workspace in any 24 hours, unless configured.
    public static let defaultInvitationsPerWorkspacePerDay = InvitationRules.SendCap.defaultPerDay

    /// The service, with a cap of `invitationsPerWorkspacePerDay` invitations (0: none).
    public static func definition(invitationsPerWorkspacePerDay: Int = defaultInvitationsPerWorkspacePerDay) -> ServiceDefinition {
        ServiceDefinition(
            name: "lifecycle",
            defaultHTTPPort: 8081,
            defaultOpsPort: 9181,
            topics: { topics in
                PipelineTopics(
                    commands: topics.lifecycleCommands,
                    followedEvents: [topics.sharingEvents, topics.deactivationEvents],
                    events: topics.lifecycleEvents,
                    results: topics.commandResults,
                    deadLetter: topics.deadLetter
                )
            },
            migrations: LifecycleMigrations.register,
            makeHandler: { environment in
                guard let invitationKey = environment.invitationKey else {
                    throw InvitationTokenKeyError(
                        "Lifecycle needs the invitation key it shares with Notifications: set TENANCY_INVITATION_KEY or --invitation-key-file (head -c 32 /dev/urandom | base64)"
                    )
                }
                let secretBox = try SecretBox(environment)
                // Values sealed with a previous secrets key move to the current one before anything else runs.
                _ = try environment.store.writer.write { db in try SecretStore.reseal(box: secretBox, db: db) }
                return LifecycleHandler(
                    authenticator: environment.authenticator,
                    secretBox: secretBox,
                    invitationKey: try InvitationTokenKey(base64: invitationKey),
                    invitationsPerWorkspacePerDay: invitationsPerWorkspacePerDay
                )
            },
            routes: LifecycleRoutes.register,
            storedKey: { try KeyStore.storedKey($0, db: $1) },
            keyRoutes: { router, environment in
                let publicKey = try SecretBox(environment).publicKey
                // Lifecycle's secrets key, which clients seal integration secret values to.
                router.get("/secrets-key") { _, _ in
                    try JSONResponse.make(SecretsKeyView(publicKey: publicKey, suite: SecretSeal.suite), notFound: "")
                }
            }
        )
    }
}
