/// Why a command was not applied: a stable code, a message for people, and the offending field
/// when one input is to blame. Decide functions return it; the pipeline publishes it as the result.
public struct Rejection: Error, Hashable, Codable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var field: String?
    /// For a refusal that goes away with time (`rate_limited`, `unavailable`): the seconds after
    /// which sending the same command again may succeed.
    public var retryAfterSeconds: Double?

    public init(_ code: ErrorCode, _ message: String, field: String? = nil, retryAfterSeconds: Double? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    enum CodingKeys: String, CodingKey {
        case code, message, field
        case retryAfterSeconds = "retry_after_seconds"
    }

    public var description: String {
        field.map { "\(code) (\($0)): \(message)" } ?? "\(code): \(message)"
    }

    public static func invalid(_ field: String, _ message: String) -> Rejection {
        Rejection(.invalidArgument, message, field: field)
    }
}
