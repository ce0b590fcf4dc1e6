import GRDB
import Models

/// The handler of a service that accepts no commands yet (or never, like Notifications): every
/// command is refused as an unknown type and dead-lettered by the pipeline; events are not applied.
public struct NoCommandHandler: MessageHandler {
    public init() {}

    public let commands = MessageRegistry()

    public func handle(_ command: any Message, envelope: Envelope, context: DecisionContext, db: Database) throws -> CommandOutcome {
        throw Rejection(.unknownType, "this service accepts no \(envelope.type) commands")
    }
}
