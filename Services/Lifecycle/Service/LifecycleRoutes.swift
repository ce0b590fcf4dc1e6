import GRDB
import Hummingbird

/// Lifecycle's read side: each feature's routes, over a read-only handle on the store. Routes parse
/// their parameters, call the feature's `...Reads` and encode the result.
enum LifecycleRoutes {
    static func register(on router: Router<BasicRequestContext>, reader: any DatabaseReader) {
        OrganizationRoutes.register(on: router, reader: reader)
        WorkspaceRoutes.register(on: router, reader: reader)
        KeyRoutes.register(on: router, reader: reader)
        InvitationRoutes.register(on: router, reader: reader)
        SSORoutes.register(on: router, reader: reader)
        RunnerRoutes.register(on: router, reader: reader)
        IntegrationRoutes.register(on: router, reader: reader)
        WorkflowRoutes.register(on: router, reader: reader)
    }
}

extension Parameters {
    /// The query parameter `name` as a value of `Parsed`; nil when absent, a 400 when not one of them.
    func value<Parsed: RawRepresentable<String>>(_ name: String, _ expected: String) throws -> Parsed? {
        guard let text = get(name) else { return nil }
        guard let value = Parsed(rawValue: text) else { throw HTTPError(.badRequest, message: "\(name) must be \(expected)") }
        return value
    }
}
