import Foundation
import GRDB
import Hashing
import Logging
import Metrics
import Models
import Pipeline
import SMTP
import ServiceKit
import ServiceLifecycle
import Tracing

/// Sends pending emails one at a time and records each outcome in a transaction that also queues
/// the settled notification for `tenancy.notifications`. An email is marked sent only after the
/// server accepted it, so a crash in between sends it again, with the same `Message-ID`. On graceful
/// shutdown the email being sent is finished and recorded first. An invitation's token is computed
/// here, put into the email as it goes, and kept nowhere.
final class DeliveryWorker: Service, Sendable {
    private let context: BackgroundContext
    private let client: SMTPClient
    private let from: String
    private let policy: RetryPolicy
    private let invitationKey: InvitationTokenKey?
    private let clock: @Sendable () -> Date
    /// `tenancy_emails_total` by how an attempt ended: sent, failed (given up) or retrying. All
    /// three exist from start, so that an alert on failures sees the first one.
    private let emails: [NotificationRecord.Status: Counter] = Dictionary(
        uniqueKeysWithValues: NotificationRecord.Status.allCases.map { status in
            (status, Counter(label: "tenancy_emails_total", dimensions: [("status", status == .pending ? "retrying" : status.rawValue)]))
        }
    )

    init(
        context: BackgroundContext,
        client: SMTPClient,
        from: String,
        policy: RetryPolicy,
        invitationKey: InvitationTokenKey?,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.context = context
        self.client = client
        self.from = from
        self.policy = policy
        self.invitationKey = invitationKey
        self.clock = clock
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let delivered: Int
            do {
                delivered = try await deliverDue()
            } catch {
                context.logger.error("email delivery pass failed; retrying", metadata: ["error": "\(error)"])
                delivered = 0
            }
            if delivered == 0 {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Sends what is due; returns how many were attempted.
    private func deliverDue() async throws -> Int {
        let due = try await context.store.reader.read { [clock] db in try NotificationQueries.due(now: clock(), limit: 20, db: db) }
        var attempted = 0
        for notification in due {
            if Task.isShuttingDownGracefully { break }
            try await deliver(notification)
            attempted += 1
        }
        return attempted
    }

    private func deliver(_ notification: NotificationRecord) async throws {
        var failure: SMTPError?
        // A span per attempt, in the trace of the event the email is about; it names the
        // notification and its kind, never the recipient or the content.
        var span = MessageTracing.start("smtp send", kind: .client, parent: notification.traceContext)
        span.set("tenancy.notification.id", notification.id.rawValue)
        span.set("tenancy.notification.kind", notification.kind.rawValue)
        span.set("tenancy.notification.attempt", String(notification.attempts + 1))
        span.logMetadata["notification.id"] = "\(notification.id)"
        defer { span.end() }
        do {
            try await client.send(try mail(notification))
        } catch let error as SMTPError {
            failure = error
        } catch {
            failure = .temporary("\(error)")
        }
        var record = notification
        record.attempts += 1
        let now = clock()
        switch failure {
        case nil:
            record.status = .sent
            record.lastError = nil
        case .permanent(let reason)?:
            record.status = .failed
            record.lastError = reason
        case .temporary(let reason)? where record.attempts >= policy.maxAttempts:
            record.status = .failed
            record.lastError = "gave up after \(record.attempts) attempts: \(reason)"
        case .temporary(let reason)?:
            record.lastError = reason
            record.nextAttemptAt = now.addingTimeInterval(policy.delay(afterAttempt: record.attempts))
        }
        if record.status != .pending { record.settledAt = now }
        let settled = record
        // The SMTP server's answer often names the recipient: the span says only how it failed.
        if let failure {
            span.span?.setStatus(SpanStatus(code: .error, message: failure.isPermanent ? "refused for good" : "failed for now"))
        }
        span.set("tenancy.notification.status", settled.status == .pending ? "retrying" : settled.status.rawValue)
        try await context.store.write { [context, span] db in
            try settled.update(db)
            // The settled event carries this attempt's trace.
            try MessageTracing.$current.withValue(span) {
                guard settled.status != .pending else { return }
                let envelope = Envelope(
                    id: "evt_" + DerivedID.make(from: settled.id.rawValue, label: "settled"),
                    type: NotificationSettled.messageType,
                    source: context.source,
                    time: now,
                    subject: settled.workspaceID.rawValue,
                    correlationID: settled.causeEventID,
                    payload: JSONCoding.encode(settled.settled)
                )
                try context.publishEvent(envelope, settled.workspaceID.rawValue, now, db)
            }
        }
        context.notifyOutbox()
        emails[settled.status]?.increment()
        MessageTracing.$current.withValue(span) {
            context.logger.log(
                level: failure == nil ? .debug : .warning,
                "email \(settled.status.rawValue)",
                metadata: [
                    "notification.id": "\(settled.id)", "notification.kind": "\(settled.kind.rawValue)", "attempts": "\(settled.attempts)",
                    "error": "\(failure.map { "\($0)" } ?? "")",
                ]
            )
        }
    }

    /// The email as its recipient gets it: for an invitation, with the token in place of the placeholder.
    private func mail(_ notification: NotificationRecord) throws(SMTPError) -> MailMessage {
        var text = notification.text
        var html = notification.html
        if let source = notification.invitationToken {
            guard let invitationKey else {
                throw .permanent("no invitation key is configured (TENANCY_INVITATION_KEY), so the invitation's token cannot be made")
            }
            text = source.filling(text, key: invitationKey)
            html = source.filling(html, key: invitationKey)
        }
        return MailMessage(
            from: from,
            to: notification.recipient,
            subject: notification.subject,
            text: text,
            html: html,
            messageID: notification.messageID,
            date: notification.createdAt
        )
    }
}
