import Directory
import Foundation
import Hashing
import Pipeline
import SMTP
import ServiceKit

/// How Notifications delivers: the SMTP server (nil: publish only), the sender, the templates,
/// retries, and the key that invitation tokens are made from (required to deliver email).
public struct NotificationSettings: Sendable {
    public var smtp: SMTPConfiguration?
    public var from: String
    /// A folder of `<kind>.{subject,text,html}.mustache` files; the bundled templates when nil.
    public var templatesDirectory: String?
    public var retry: RetryPolicy
    /// The invitation key Lifecycle also holds (base64).
    public var invitationKey: String?

    public init(
        smtp: SMTPConfiguration?,
        from: String,
        templatesDirectory: String? = nil,
        retry: RetryPolicy = RetryPolicy(),
        invitationKey: String? = nil
    ) {
        self.smtp = smtp
        self.from = from
        self.templatesDirectory = templatesDirectory
        self.retry = retry
        self.invitationKey = invitationKey
    }
}

/// The Notifications service: emails to the right people about sharing, invitations and
/// deactivation, each also published on `tenancy.notifications`.
public enum Notifications {
    public static func definition(settings: NotificationSettings) async throws -> ServiceDefinition {
        guard let directory = settings.templatesDirectory ?? TemplateRenderer.bundledDirectory else {
            throw TemplateError("the bundled templates are missing; pass --templates-dir")
        }
        let renderer = try await TemplateRenderer(directory: directory)
        let invitationKey = try settings.invitationKey.map { key throws(InvitationTokenKeyError) in try InvitationTokenKey(base64: key) }
        if settings.smtp != nil, invitationKey == nil {
            throw InvitationTokenKeyError(
                "Notifications delivers email and needs the invitation key Lifecycle holds, to put each invitation's token into its email: set TENANCY_INVITATION_KEY or --invitation-key-file"
            )
        }
        return ServiceDefinition(
            name: "notifications",
            defaultHTTPPort: 8083,
            defaultOpsPort: 9183,
            topics: { topics in
                PipelineTopics(
                    commands: nil,
                    followedEvents: [topics.lifecycleEvents, topics.sharingEvents, topics.deactivationEvents],
                    replicated: [topics.lifecycleEvents, topics.deactivationEvents],
                    events: topics.notifications,
                    results: topics.commandResults,
                    deadLetter: topics.deadLetter
                )
            },
            migrations: NotificationMigrations.register,
            makeHandler: { _ in NotificationsHandler(renderer: renderer, deliversEmail: settings.smtp != nil) },
            routes: NotificationRoutes.register,
            storedKey: { try Directory.storedKey($0, db: $1) },
            backgroundServices: { context in
                guard let smtp = settings.smtp else {
                    context.logger.warning(
                        "no SMTP server configured (--smtp-host): notifications are published on \(context.topics.events ?? "") as not_sent, and no email is sent"
                    )
                    return []
                }
                context.logger.info(
                    "delivering email",
                    metadata: ["smtp.host": "\(smtp.host)", "smtp.port": "\(smtp.port)", "smtp.security": "\(smtp.security.rawValue)"]
                )
                return [
                    DeliveryWorker(
                        context: context,
                        client: SMTPClient(configuration: smtp),
                        from: settings.from,
                        policy: settings.retry,
                        invitationKey: invitationKey
                    )
                ]
            }
        )
    }
}
