import Foundation
import GRDB
import Models

/// One row of `notification`: one email to one recipient about one event, and its delivery. An
/// invitation's bodies hold ``InvitationTokenSource/placeholder`` where the token goes, and the row
/// what the token is made from; the token is put in only as the email is sent.
struct NotificationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "notification"

    enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case pending, sent, failed
        case notSent = "not_sent"
    }

    var id: NotificationID
    var kind: NotificationKind
    var workspaceID: WorkspaceID
    var recipient: String
    var subject: String
    var text: String
    var html: String
    var causeEventID: String
    var causeEventType: String
    var messageID: String
    var status: Status
    var attempts: Int
    var nextAttemptAt: Date
    var lastError: String?
    var createdAt: Date
    var settledAt: Date?
    var invitationID: InvitationID? = nil
    var tokenNonce: String? = nil
    /// The trace context of the work that made it (`ce_traceparent` of the event's processing).
    var traceparent: String? = nil
    var tracestate: String? = nil

    var traceContext: TraceContext? {
        get { traceparent.flatMap { TraceContext(traceparent: $0, tracestate: tracestate) } }
        set {
            traceparent = newValue?.traceparent
            tracestate = newValue?.state
        }
    }

    /// What the token of an invitation email is made from; nil for every other email.
    var invitationToken: InvitationTokenSource? {
        guard let invitationID, let tokenNonce else { return nil }
        return InvitationTokenSource(invitationID: invitationID, nonce: tokenNonce)
    }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind
        case workspaceID = "workspace_id"
        case recipient, subject, text, html
        case causeEventID = "cause_event_id"
        case causeEventType = "cause_event_type"
        case messageID = "message_id"
        case status, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case createdAt = "created_at"
        case settledAt = "settled_at"
        case invitationID = "invitation_id"
        case tokenNonce = "token_nonce"
        case traceparent, tracestate
    }

    /// The event published on `tenancy.notifications` once the delivery is settled.
    var settled: NotificationSettled {
        let delivery: DeliveryState =
            switch status {
            case .sent: .sent
            case .notSent: .notSent
            case .failed, .pending: .failed
            }
        return NotificationSettled(
            notificationID: id,
            kind: kind,
            workspaceID: workspaceID,
            recipient: recipient,
            subject: subject,
            text: text,
            html: html,
            causeEventID: causeEventID,
            causeEventType: causeEventType,
            messageID: messageID,
            delivery: delivery,
            attempts: attempts,
            error: lastError
        )
    }
}
