import Foundation
import GRDB
import Logging
import Metrics
import Models
import TestSupport

@testable import Pipeline

/// A handler that knows no command and authenticates nobody, for pipeline tests about what
/// happens around the handler (the inbox, offsets, rollbacks).
struct InertHandler: MessageHandler {
    let commands = MessageRegistry()
    func authenticate(_ command: any Message, envelope: Envelope, now: Date, db: Database) throws -> Sender {
        throw Rejection(.unauthenticated, "none")
    }
    func handle(_ command: any Message, from sender: Sender, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        throw Rejection(.unknownType, "none")
    }
}

extension BatchProcessor {
    /// A processor of an ``InertHandler`` over `store`, reading commands from `c`, at `clock`'s time.
    static func inert(_ store: ServiceStore, clock: @escaping @Sendable () -> Date = Date.init) -> BatchProcessor {
        BatchProcessor(
            store: store,
            handler: InertHandler(),
            topics: PipelineTopics(commands: "c", followedEvents: [], events: nil, results: "r", deadLetter: "d"),
            source: "/t",
            eventTag: TestKeys.eventTag(for: "notes"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance, knownTypes: []),
            clock: clock
        )
    }
}
