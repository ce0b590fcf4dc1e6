import Foundation
import Hummingbird
import Models
import Pipeline

/// JSON bodies of the read side, with a `not_found` error body when there is nothing to show.
public enum JSONResponse {
    public static func make<T: Encodable>(_ value: T?, notFound: String) throws -> Response {
        guard let value else {
            let body = JSONCoding.encode(["error": ["code": ErrorCode.notFound.rawValue, "message": notFound]])
            return Response(status: .notFound, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONCoding.encode(value)))
        )
    }
}
