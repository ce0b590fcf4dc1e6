import Foundation
import Hummingbird
import Models

/// A read the read side refuses, answered as `{"error": {"code", "message", "field"}}`: the shape and
/// the stable codes of a command's rejection, so that clients match on the same values.
public struct ReadError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var rejection: Rejection

    public init(status: HTTPResponse.Status, rejection: Rejection) {
        self.status = status
        self.rejection = rejection
    }

    /// A 400 `invalid_argument` naming the query parameter at fault.
    public static func invalid(_ field: String, _ message: String) -> ReadError {
        ReadError(status: .badRequest, rejection: .invalid(field, message))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONCoding.encode(["error": rejection])))
        )
    }
}

extension Parameters {
    /// The query parameter `name` as a value of `Parsed`; nil when absent, a 400 `invalid_argument`
    /// naming it when it is not one of them.
    public func value<Parsed: RawRepresentable<String>>(_ name: String, _ expected: String) throws(ReadError) -> Parsed? {
        guard let text = get(name) else { return nil }
        guard let value = Parsed(rawValue: text) else { throw .invalid(name, "\(name) must be \(expected)") }
        return value
    }
}
