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

/// Sends pending emails one at a time and records each outcome in a transaction that also queues
/// the settled notification for `tenancy.notifications`. An email is marked sent only after the
/// server accepted it, so a crash in between sends it again, with the same `Message-ID`. On graceful
/// shutdown the email being sent is finished and recorded first.
final class DeliveryWorker: Service, Sendable {
    private let context: BackgroundContext
    private let client: SMTPClient
    private let from: String
    private let policy: RetryPolicy
    private let clock: @Sendable () -> Date

    init(context: BackgroundContext, client: SMTPClient, from: String, policy: RetryPolicy, clock: @escaping @Sendable () -> Date = Date.init) {
        self.context = context
        self.client = client
        self.from = from
        self.policy = policy
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
        let mail = MailMessage(
            from: from,
            to: notification.recipient,
            subject: notification.subject,
            text: notification.text,
            html: notification.html,
            messageID: notification.messageID,
            date: notification.createdAt
        )
        var failure: SMTPError?
        do {
            try await client.send(mail)
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
        try await context.store.write { [context] db in
            try settled.update(db)
            if settled.status != .pending {
                let envelope = Envelope(
                    id: "evt_" + DerivedID.make(from: settled.id.rawValue, label: "settled"),
                    type: NotificationSettled.messageType,
                    source: context.source,
                    time: now,
                    subject: settled.workspaceID.rawValue,
                    correlationID: settled.causeEventID,
                    payload: JSONCoding.encode(settled.settled)
                )
                try Outbox.enqueue(envelope, topic: context.topics.events ?? "", key: settled.workspaceID.rawValue, now: now, db: db)
            }
        }
        context.notifyOutbox()
        Counter(label: "tenancy_emails_total", dimensions: [("status", settled.status == .pending ? "retrying" : settled.status.rawValue)])
            .increment()
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
