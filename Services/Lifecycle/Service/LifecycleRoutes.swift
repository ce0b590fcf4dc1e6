import GRDB
import Hummingbird

/// Lifecycle's read side: each feature's routes, over a read-only handle on the store.
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
