/// Messages of one kind (a service's commands, a projection's events), each registered together
/// with the function that handles it: registering a type and handling it are one act, so what a
/// service decodes and what it does cannot drift apart.
///
/// ```swift
/// let commands = MessageTable<Request, CommandOutcome>()
///     .on(AcceptShareRequest.self) { command, request in ... }
///     .on(DenyShareRequest.self) { command, request in ... }
/// ```
public struct MessageTable<Input, Output>: Sendable {
    private var handlers: [MessageType: @Sendable (any Message, Input) throws -> Output] = [:]
    /// The registered types, in registration order.
    public private(set) var types: [any Message.Type] = []

    public init() {}

    /// This table with `type` handled by `handle`. A type registered twice is a programming error.
    public func on<M: Message>(_ type: M.Type, _ handle: @escaping @Sendable (M, Input) throws -> Output) -> Self {
        precondition(handlers[M.messageType] == nil, "\(M.messageType) is registered twice")
        var table = self
        table.handlers[M.messageType] = { message, input in
            guard let message = message as? M else { throw UnhandledMessage(type: Swift.type(of: message).messageType) }
            return try handle(message, input)
        }
        table.types.append(type)
        return table
    }

    /// This table with the entries of `other` added (a service's feature tables put together).
    public func merging(_ other: Self) -> Self {
        var table = self
        for type in other.types {
            precondition(table.handlers[type.messageType] == nil, "\(type.messageType) is registered twice")
            table.handlers[type.messageType] = other.handlers[type.messageType]
            table.types.append(type)
        }
        return table
    }

    /// Decodes exactly the registered types.
    public var registry: MessageRegistry { MessageRegistry(types) }

    public func handles(_ type: MessageType) -> Bool { handlers[type] != nil }

    /// Runs the function registered for the message's type; throws ``UnhandledMessage`` for any other.
    public func handle(_ message: any Message, _ input: Input) throws -> Output {
        let type = Swift.type(of: message).messageType
        guard let handler = handlers[type] else { throw UnhandledMessage(type: type) }
        return try handler(message, input)
    }
}

/// A message given to a ``MessageTable`` that has no entry for its type.
public struct UnhandledMessage: Error, Sendable, CustomStringConvertible {
    public let type: MessageType

    public init(type: MessageType) {
        self.type = type
    }

    public var description: String { "no handler is registered for \(type)" }
}
