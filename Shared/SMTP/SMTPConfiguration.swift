/// Where and how to deliver mail.
public struct SMTPConfiguration: Sendable, Hashable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain text (a local relay or a test server); no AUTH, which would send the password in clear.
        case none
        /// Upgrade with STARTTLS, and refuse to go on when the server does not offer it.
        case startTLS = "starttls"
        /// TLS from the first byte ("implicit TLS", SMTPS, usually port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// For `AUTH PLAIN` (or `LOGIN` when the server offers only that); never logged.
    public var username: String?
    public var password: String?
    /// PEM file of the certificate authorities to trust for TLS; the system's when nil.
    public var trustRootsFile: String?
    /// The name announced in `EHLO`.
    public var heloName: String
    /// Longest wait for any one reply of the server, in seconds.
    public var replyTimeout: Double

    /// Why this configuration must not be used; nil when it may. A password is only ever sent over TLS.
    public var refusal: String? {
        username != nil && security == .none
            ? "SMTP AUTH would send the password in clear: use --smtp-security starttls or tls with a user name" : nil
    }

    public init(
        host: String,
        port: Int,
        security: Security = .none,
        username: String? = nil,
        password: String? = nil,
        trustRootsFile: String? = nil,
        heloName: String = "tenancy.localhost",
        replyTimeout: Double = 30
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.trustRootsFile = trustRootsFile
        self.heloName = heloName
        self.replyTimeout = replyTimeout
    }
}

/// Why a message was not delivered. Temporary failures (4xx replies, a server that cannot be
/// reached or stops answering) are worth retrying; permanent ones (5xx) are not.
public enum SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    case temporary(String)
    case permanent(String)

    public var isPermanent: Bool {
        if case .permanent = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .temporary(let reason): "temporary failure: \(reason)"
        case .permanent(let reason): "permanent failure: \(reason)"
        }
    }
}
