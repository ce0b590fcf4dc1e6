import Foundation
import GRDB
import Hummingbird
import Logging
import Models
import Pipeline
import ServiceLifecycle

/// Everything that makes one service different from another; the rest is the shared runtime.
public struct ServiceDefinition: Sendable {
    /// Short name: `lifecycle`, `sharing`, ...; used for the source, database file and group id.
    public var name: String
    /// Port of the read side (tenant queries and key routes) unless `--http-port` says otherwise.
    public var defaultHTTPPort: Int
    /// Port of the ops side (health and metrics) unless `--ops-port` says otherwise.
    public var defaultOpsPort: Int
    public var topics: @Sendable (Topics) -> PipelineTopics
    /// The service's own migrations, after the shared pipeline tables.
    public var migrations: @Sendable (inout DatabaseMigrator) -> Void
    public var makeHandler: @Sendable (ServiceEnvironment) throws -> any MessageHandler
    /// Read-only HTTP queries over the service's store, on the read port (health and metrics are on
    /// the ops port); list reads are paged within the limits. Every one needs a signed read
    /// (``SignedReads``) and shows only what its reader may see (``ReadContext/mayRead(_:)``).
    public var routes: @Sendable (ReadRouter, any DatabaseReader, PageLimits) -> Void
    /// The API key a signed read names, from the service's own data (Lifecycle's keys, or the
    /// directory replica); by default none, so that only operators read.
    public var storedKey: @Sendable (ClientID, Database) throws -> StoredKey?
    /// HTTP routes made from the service's configured keys, holding no tenant data and open to
    /// anyone (Lifecycle's `GET /secrets-key`).
    public var keyRoutes: @Sendable (Router<ReadContext>, ServiceEnvironment) throws -> Void
    /// Long-running work of the service's own beside the pipeline (Notifications' email delivery).
    public var backgroundServices: @Sendable (BackgroundContext) throws -> [any Service]
    /// The topic whose events feed the directory this service checks credentials against, when that
    /// is another service's (Lifecycle's events for Sharing and Deactivation): commands are refused
    /// while the service may be further behind on it than `--max-replica-lag-seconds`.
    public var credentialSource: (@Sendable (Topics) -> String)?

    public init(
        name: String,
        defaultHTTPPort: Int,
        defaultOpsPort: Int,
        topics: @escaping @Sendable (Topics) -> PipelineTopics,
        migrations: @escaping @Sendable (inout DatabaseMigrator) -> Void = { _ in },
        makeHandler: @escaping @Sendable (ServiceEnvironment) throws -> any MessageHandler,
        routes: @escaping @Sendable (ReadRouter, any DatabaseReader, PageLimits) -> Void = { _, _, _ in },
        storedKey: @escaping @Sendable (ClientID, Database) throws -> StoredKey? = { _, _ in nil },
        keyRoutes: @escaping @Sendable (Router<ReadContext>, ServiceEnvironment) throws -> Void = { _, _ in },
        backgroundServices: @escaping @Sendable (BackgroundContext) throws -> [any Service] = { _ in [] },
        credentialSource: (@Sendable (Topics) -> String)? = nil
    ) {
        self.credentialSource = credentialSource
        self.name = name
        self.defaultHTTPPort = defaultHTTPPort
        self.defaultOpsPort = defaultOpsPort
        self.topics = topics
        self.migrations = migrations
        self.makeHandler = makeHandler
        self.routes = routes
        self.storedKey = storedKey
        self.keyRoutes = keyRoutes
        self.backgroundServices = backgroundServices
    }

    public var source: String { "/tenancy/\(name)" }
}

/// What a handler may be built from.
public struct ServiceEnvironment: Sendable {
    public var store: ServiceStore
    /// Checks signed commands and reads with the service's keys and its operators'.
    public var authenticator: Authenticator
    /// The key for secret values at rest (base64), for services that keep secrets.
    public var secretsKey: String?
    /// The key invitation tokens are made from (base64), for Lifecycle and Notifications only.
    public var invitationKey: String?

    public init(store: ServiceStore, authenticator: Authenticator, secretsKey: String? = nil, invitationKey: String? = nil) {
        self.store = store
        self.authenticator = authenticator
        self.secretsKey = secretsKey
        self.invitationKey = invitationKey
    }
}

/// What a background service may use: the store, the topics, and a way to have the outbox published soon.
public struct BackgroundContext: Sendable {
    public var store: ServiceStore
    public var topics: PipelineTopics
    /// `ce_source` of what the service publishes.
    public var source: String
    public var logger: Logger
    /// Queues one of the service's events (envelope, record key, now) on its events topic, tagged for
    /// its followers as the pipeline's own are, inside the caller's transaction.
    public var publishEvent: @Sendable (Envelope, String, Date, Database) throws -> Void
    /// Wakes the outbox relay after a transaction that queued records.
    public var notifyOutbox: @Sendable () -> Void
}
