import Directory
import Foundation
import GRDB
import Models
import Pipeline

/// Notifications' part of the pipeline: keep the directory replica, and for each event that
/// concerns people, record one email per recipient (in the event's transaction, so each is created
/// exactly once). Delivery happens afterwards (``DeliveryWorker``); without SMTP the notifications
/// are published at once as `not_sent`.
struct NotificationsHandler: MessageHandler {
    let renderer: TemplateRenderer
    let deliversEmail: Bool

    let commands = MessageRegistry()

    let events = MessageRegistry([
        InvitationSent.self, ShareRequested.self, ShareAccepted.self, ShareDenied.self, ShareRevoked.self, ShareRemoved.self, ShareExpired.self,
        SharingStepCompleted.self, DeactivationStarted.self, DeactivationCompleted.self, ReactivationCompleted.self,
    ])

    /// The directory, from which each email's recipients and the names it shows come.
    let replica = MessageRegistry(DirectoryProjection.eventTypes)

    func replicate(_ event: any Message, envelope: Envelope, db: Database) throws {
        try DirectoryProjection.apply(event, db: db)
    }

    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
        throw Rejection(.unknownType, "Notifications takes no commands")
    }

    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        throw Rejection(.unknownType, "Notifications takes no commands")
    }

    func apply(_ event: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> [DomainEvent] {
        let (workspaces, users) = NotificationRules.references(event)
        let audience = try NotificationQueries.audience(workspaces: workspaces, users: users, db: db)
        var published: [DomainEvent] = []
        for (index, planned) in NotificationRules.plan(event, audience: audience).enumerated() {
            let id: NotificationID = context.newID("notification.\(index)")
            let rendered = try renderer.render(planned.kind, planned.values)
            var record = NotificationRecord(
                id: id,
                kind: planned.kind,
                workspaceID: planned.workspaceID,
                recipient: planned.recipient,
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                causeEventID: envelope.id,
                causeEventType: envelope.type.rawValue,
                messageID: "<\(id.rawValue)@tenancy.notifications>",
                status: deliversEmail ? .pending : .notSent,
                attempts: 0,
                nextAttemptAt: context.now,
                lastError: deliversEmail ? nil : "no SMTP server is configured",
                createdAt: context.now,
                settledAt: deliversEmail ? nil : context.now,
                invitationID: planned.invitationToken?.invitationID,
                tokenNonce: planned.invitationToken?.nonce
            )
            // Sending it continues the trace of this event's processing.
            record.traceContext = MessageTracing.current?.outgoing ?? envelope.traceContext
            try record.insert(db)
            if !deliversEmail {
                published.append(DomainEvent(record.settled, subject: planned.workspaceID.rawValue))
            }
        }
        return published
    }
}
