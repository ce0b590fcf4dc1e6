/// Why a command was not applied: a stable code, a message for people, and the offending field
/// when one input is to blame. Decide functions return it; the pipeline publishes it as the result.
public struct Rejection: Error, Hashable, Codable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var field: String?

    public init(_ code: ErrorCode, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.map { "\(code) (\($0)): \(message)" } ?? "\(code): \(message)"
    }

    public static func invalid(_ field: String, _ message: String) -> Rejection {
        Rejection(.invalidArgument, message, field: field)
    }
}
