import Foundation
import GRDB
import Hummingbird
import Models
import Pipeline
import Sealing

/// The middleware in front of every tenant read: it checks the read's signature (`authorization`
/// and `x-tenancy-time`, over the method, the path and the query exactly as received) with the
/// service's ``Authenticator`` against its own copy of the keys, refuses a member key without the
/// `workspace.read` scope (but for its own identity, ``WhoAmIRoute``), logs each operator read with the operator's name, and hands the
/// ``Principal`` to the route in its ``ReadContext``. Which tenant's data the route then shows is
/// the route's to check (``ReadContext/mayRead(_:)``).
public struct SignedReads: RouterMiddleware {
    public typealias Context = ReadContext

    let authenticator: Authenticator
    let reader: any DatabaseReader
    /// Finds a key in the service's own data (Lifecycle's keys, or the directory replica).
    let storedKey: @Sendable (ClientID, Database) throws -> StoredKey?

    static let unauthenticated = ReadError(status: .unauthorized, rejection: Authenticator.refusal)
    static let forbidden = ReadError(
        status: .forbidden,
        rejection: Rejection(.forbidden, "reads need the '\(ReadAccess.scope)' scope, which this API key does not carry")
    )

    public init(authenticator: Authenticator, reader: any DatabaseReader, storedKey: @escaping @Sendable (ClientID, Database) throws -> StoredKey?) {
        self.authenticator = authenticator
        self.reader = reader
        self.storedKey = storedKey
    }

    public func handle(_ request: Request, context: ReadContext, next: (Request, ReadContext) async throws -> Response) async throws -> Response {
        let principal = try await authenticate(request)
        guard ReadAccess.mayRead(principal) || request.uri.path == WhoAmIRoute.path else { throw Self.forbidden }
        if case .operator(let name) = principal {
            context.logger.info("operator read", metadata: ["operator.name": "\(name)", "http.path": "\(request.uri.path)"])
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) async throws -> Principal {
        let (authenticator, storedKey) = (authenticator, storedKey)
        do {
            return try await reader.read { db in
                try authenticator.authenticateRead(
                    method: request.method.rawValue,
                    path: request.uri.path,
                    query: request.uri.query ?? "",
                    time: request.headers.first { $0.name.canonicalName == RequestSignature.readTimeHeader }?.value,
                    authorization: request.headers[.authorization],
                    now: Date(),
                    lookup: { try storedKey($0, db) }
                )
            }
        } catch let rejection as Rejection {
            // A deactivated workspace or a user who left: known, but refused.
            throw rejection.code == .unauthenticated ? Self.unauthenticated : ReadError(status: .forbidden, rejection: rejection)
        }
    }
}
