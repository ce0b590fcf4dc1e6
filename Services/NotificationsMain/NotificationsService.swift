import ArgumentParser
import Foundation
import Notifications
import SMTP
import ServiceKit

@main
struct NotificationsService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-notifications",
        abstract: "Tenancy's Notifications service: emails about sharing, invitations and deactivation, also published on tenancy.notifications.",
        discussion: "The SMTP password is read from the file --smtp-password-file names, or from TENANCY_SMTP_PASSWORD; never from a flag."
    )

    @OptionGroup var options: ServiceOptions

    @Option(
        name: .customLong("smtp-host"),
        help: "SMTP server; without it nothing is emailed and notifications are published as not_sent. Env: TENANCY_SMTP_HOST."
    )
    private var smtpHostFlag: String?
    var smtpHost: String? { Setting.flag(smtpHostFlag, or: "TENANCY_SMTP_HOST") }

    @Option(help: "SMTP port. Env: TENANCY_SMTP_PORT.")
    var smtpPort: Int = Setting.environment("TENANCY_SMTP_PORT") ?? 587

    @Option(help: "none, starttls (required when set) or tls (implicit, usually port 465); AUTH needs starttls or tls. Env: TENANCY_SMTP_SECURITY.")
    var smtpSecurity: String = Setting.environment("TENANCY_SMTP_SECURITY") ?? "none"

    @Option(
        name: .customLong("smtp-username"),
        help: "SMTP user for AUTH; the password comes from --smtp-password-file or TENANCY_SMTP_PASSWORD. Env: TENANCY_SMTP_USERNAME."
    )
    private var smtpUsernameFlag: String?
    var smtpUsername: String? { Setting.flag(smtpUsernameFlag, or: "TENANCY_SMTP_USERNAME") }

    @Option(
        name: .customLong("smtp-trust-roots"),
        help: "PEM file of the certificate authorities to trust for STARTTLS. Env: TENANCY_SMTP_TRUST_ROOTS."
    )
    private var smtpTrustRootsFlag: String?
    var smtpTrustRoots: String? { Setting.flag(smtpTrustRootsFlag, or: "TENANCY_SMTP_TRUST_ROOTS") }

    @Option(help: "Sender address. Env: TENANCY_SMTP_FROM.")
    var smtpFrom: String = Setting.environment("TENANCY_SMTP_FROM") ?? "Tenancy <noreply@tenancy.localhost>"

    @Option(help: "Attempts per email before it is marked failed. Env: TENANCY_SMTP_MAX_ATTEMPTS.")
    var smtpMaxAttempts: Int = Setting.environment("TENANCY_SMTP_MAX_ATTEMPTS") ?? 15

    @Option(help: "First retry delay in seconds, doubled each time up to 300 s, with jitter. Env: TENANCY_SMTP_RETRY_SECONDS.")
    var smtpRetrySeconds: Double = Setting.environment("TENANCY_SMTP_RETRY_SECONDS") ?? 2

    @Option(
        name: .customLong("templates-dir"),
        help: "Folder of <kind>.{subject,text,html}.mustache templates replacing the bundled ones. Env: TENANCY_TEMPLATES_DIR."
    )
    private var templatesDirFlag: String?
    var templatesDir: String? { Setting.flag(templatesDirFlag, or: "TENANCY_TEMPLATES_DIR") }

    @Option(help: "File holding the SMTP password. Env: TENANCY_SMTP_PASSWORD holds the value itself (never a flag, which the process list shows).")
    var smtpPasswordFile: String?

    /// From the file if given, else from the environment.
    private var smtpPassword: String? {
        get throws {
            guard let smtpPasswordFile else { return Setting.environment("TENANCY_SMTP_PASSWORD") }
            return try String(contentsOfFile: smtpPasswordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        }
    }

    func validate() throws {
        guard let security = SMTPConfiguration.Security(rawValue: smtpSecurity) else {
            throw ValidationError("--smtp-security must be none, starttls or tls")
        }
        guard smtpMaxAttempts >= 1, smtpRetrySeconds > 0 else {
            throw ValidationError("--smtp-max-attempts and --smtp-retry-seconds must be positive")
        }
        if smtpUsername != nil, try smtpPassword == nil {
            throw ValidationError("--smtp-username needs the password, in --smtp-password-file or TENANCY_SMTP_PASSWORD")
        }
        if let refusal = SMTPConfiguration(host: "", port: smtpPort, security: security, username: smtpUsername).refusal {
            throw ValidationError(refusal)
        }
    }

    func run() async throws {
        let password = smtpUsername == nil ? nil : try smtpPassword
        let smtp = smtpHost.map {
            SMTPConfiguration(
                host: $0,
                port: smtpPort,
                security: SMTPConfiguration.Security(rawValue: smtpSecurity) ?? .none,
                username: smtpUsername,
                password: password,
                trustRootsFile: smtpTrustRoots
            )
        }
        let settings = NotificationSettings(
            smtp: smtp,
            from: smtpFrom,
            templatesDirectory: templatesDir,
            retry: RetryPolicy(baseDelay: smtpRetrySeconds, maxDelay: 300, maxAttempts: smtpMaxAttempts),
            invitationKey: try options.invitationKey()
        )
        try await ServiceMain.run(try await Notifications.definition(settings: settings), options: options)
    }
}
