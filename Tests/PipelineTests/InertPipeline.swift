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
    /// A processor of `handler`'s commands over `store`, reading them from `c` (results to `r`, dead
    /// letters to `d`), at `clock`'s time; with `partitions`, commands go to their owner's task.
    static func commands(
        of handler: any MessageHandler,
        store: ServiceStore,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        partitions: Int32? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) -> BatchProcessor {
        BatchProcessor(
            store: store,
            handler: handler,
            topics: PipelineTopics(commands: "c", followedEvents: [], events: nil, results: "r", deadLetter: "d"),
            source: "/t",
            eventTag: TestKeys.eventTag(for: "notes"),
            limits: EnvelopeLimits(),
            logger: Logger(label: "test"),
            metrics: PipelineMetrics(factory: metrics, knownTypes: []),
            partitions: partitions,
            clock: clock
        )
    }

    /// A processor of an ``InertHandler`` over `store`, reading commands from `c`, at `clock`'s time.
    static func inert(_ store: ServiceStore, clock: @escaping @Sendable () -> Date = Date.init) -> BatchProcessor {
        commands(of: InertHandler(), store: store, clock: clock)
    }
}
