/// What a notification tells people about.
public enum NotificationKind: String, Codable, Sendable, CaseIterable {
    case shareRequested = "share_requested"
    case shareAccepted = "share_accepted"
    case shareDenied = "share_denied"
    case shareRevoked = "share_revoked"
    case shareRemoved = "share_removed"
    case shareExpired = "share_expired"
    case invitationSent = "invitation_sent"
    case deactivationStarted = "deactivation_started"
    case deactivationCompleted = "deactivation_completed"
    case reactivationCompleted = "reactivation_completed"
    /// A share with another workspace ended because that workspace was deactivated.
    case shareEndedByDeactivation = "share_ended_by_deactivation"
}

/// Where an email ended up.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// The SMTP server accepted it.
    case sent
    /// Refused for good (5xx), or still failing after every retry.
    case failed
    /// No SMTP server is configured: published here only.
    case notSent = "not_sent"
}

/// One notification, published on `tenancy.notifications` once its delivery is settled, so that
/// users can feed their own channels. Keyed by the workspace it concerns.
public struct NotificationSettled: Message, Hashable {
    public static let messageType: MessageType = "tenancy.notifications.Notification.v1"

    public var notificationID: NotificationID
    public var kind: NotificationKind
    public var workspaceID: WorkspaceID
    public var recipient: String
    public var subject: String
    public var text: String
    public var html: String
    /// The `ce_id` and `ce_type` of the event that caused it.
    public var causeEventID: String
    public var causeEventType: String
    public var messageID: String
    public var delivery: DeliveryState
    public var attempts: Int
    public var error: String?

    public init(
        notificationID: NotificationID,
        kind: NotificationKind,
        workspaceID: WorkspaceID,
        recipient: String,
        subject: String,
        text: String,
        html: String,
        causeEventID: String,
        causeEventType: String,
        messageID: String,
        delivery: DeliveryState,
        attempts: Int,
        error: String?
    ) {
        self.notificationID = notificationID
        self.kind = kind
        self.workspaceID = workspaceID
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.html = html
        self.causeEventID = causeEventID
        self.causeEventType = causeEventType
        self.messageID = messageID
        self.delivery = delivery
        self.attempts = attempts
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case notificationID = "notification_id"
        case kind
        case workspaceID = "workspace_id"
        case recipient, subject, text, html
        case causeEventID = "cause_event_id"
        case causeEventType = "cause_event_type"
        case messageID = "message_id"
        case delivery, attempts, error
    }
}
