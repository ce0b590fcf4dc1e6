import Hummingbird
import Models

/// The request context of the read side: Hummingbird's, with who signed the read once
/// ``SignedReads`` has checked it.
public struct ReadContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The reader; nil only before ``SignedReads`` ran, which a tenant route never sees.
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Whether the reader may see `target`: false when the route should answer as it does for an
    /// id that does not exist; a 403 `forbidden` without the `workspace.read` scope.
    public func mayRead(_ target: ReadTarget) throws(ReadError) -> Bool {
        guard let principal else { throw SignedReads.unauthenticated }
        switch ReadAccess.decide(principal, target) {
        case .allowed: return true
        case .notFound: return false
        case .forbidden: throw SignedReads.forbidden
        }
    }

    /// `view` when the reader may see what it belongs to (`owner`); nil, the not-found answer, when not.
    public func visible<View>(_ view: View?, owner: (View) -> ReadTarget) throws(ReadError) -> View? {
        guard let view else { return nil }
        return try mayRead(owner(view)) ? view : nil
    }
}

/// The router tenant reads are registered on: every route on it needs a signed read.
public typealias ReadRouter = RouterGroup<ReadContext>
